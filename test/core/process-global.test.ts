/**
 * Registries shared by the ESM and CommonJS builds (src/process-global.ts): in a real child
 * process running the built package, a provider, its catalog and an evaluator registered through
 * the ESM build are used by the CommonJS build's Router and registry. The helper itself keeps one
 * value per key.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { processGlobal } from '../../src/process-global.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';

let mock: MockServer;
beforeAll(async () => {
  ensureBuilt();
  mock = await startMockServer();
}, 120_000);
afterAll(() => mock.close());

describe('process-global registries', () => {
  it('one value per key, created once', () => {
    let made = 0;
    const a = processGlobal('tracegate.test.process-global', () => ({ n: ++made }));
    const b = processGlobal('tracegate.test.process-global', () => ({ n: ++made }));
    expect(a).toBe(b);
    expect(made).toBe(1);
  });

  it('a provider, catalog and evaluator registered through the ESM build are known to the CommonJS build', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['test/core/apps/both-builds-registries.mjs'], { cwd: ROOT, env: { PATH: process.env.PATH, FAKE_BASE_URL: mock.baseURL('openai') }, timeout: 20_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(JSON.parse(out)).toEqual({ listed: true, role: 'assistant', priced: true, evaluator: true });
  });
});
