/** The test helper itself: a private redis-server answers, stops (by PID) and restarts on its port. */
import { afterAll, expect, it } from 'vitest';
import { describeRedis, pingRedis, startRedis, type RedisServer } from '../../helpers/redis.js';

describeRedis(
  'test/helpers/redis.ts',
  () => {
    let server: RedisServer | undefined;
    afterAll(async () => server?.stop());

    it('starts a private server, stops it and restarts it on the same port', async () => {
      server = await startRedis();
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      expect(await pingRedis(server.port)).toBe(true);
      const firstPid = server.pid;
      await server.stop();
      expect(await pingRedis(server.port)).toBe(false);
      await server.restart();
      expect(await pingRedis(server.port)).toBe(true);
      expect(server.pid).not.toBe(firstPid);
    });
  },
  'spawn',
);
