/**
 * Two real `tracegate proxy` processes (the built CLI, one config) sharing one private
 * redis-server, in front of one `tracegate mock`: a key budget, a key's RPM, a deployment's
 * breaker and the exact-match cache hold across both; Redis killed by PID mid-test leaves both
 * answering (budgeted requests get a prompt 503 store_unavailable) and sharing resumes when it
 * restarts, with no proxy restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';
import { describeRedis, startRedis, type RedisServer } from '../helpers/redis.js';

const BIN = join(ROOT, 'bin/tracegate.cjs');
const BUDGET_KEY = 'sk-budget-key-0000001';
const RPM_KEY = 'sk-rpm-key-000000001';
const FREE_KEY = 'sk-free-key-00000001';
const MASTER_KEY = 'sk-master-multi-0001';
const PREFIX = 'tgmulti:';
/** $1 per output token: a request with max_tokens 10 reserves at most $10 (plus its prompt at $0). */
const MAX_TOKENS = 10;
const RESERVATION_USD = MAX_TOKENS * 1;

interface Proxy {
  proc: ChildProcess;
  url: string;
  out: string[];
}

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

describeRedis(
  'two proxy processes on one Redis',
  () => {
    let redis: RedisServer;
    let raw: Redis;
    let mock: MockServer;
    let dir: string;
    let a: Proxy;
    let b: Proxy;
    let seq = 0;

    async function spawnProxy(config: string): Promise<Proxy> {
      const proc = spawn(process.execPath, [BIN, 'proxy', '--config', config, '--port', '0'], {
        env: { ...process.env, MOCK_BASE: mock.baseURL('openai'), REDIS_URL: redis.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out: string[] = [];
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (d: Buffer) => {
          out.push(d.toString());
          const text = out.join('');
          const m = /listening on (http:\/\/\S+)/.exec(text);
          if (m && /^ {2}traces .*\n/m.test(text)) resolve(m[1]!);
        };
        proc.stdout!.on('data', onData);
        proc.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
        proc.once('exit', (code) => reject(new Error(`proxy exited with ${code}: ${out.join('')}`)));
      });
      return { proc, url, out };
    }

    async function call(p: Proxy, key: string, body: Record<string, unknown>): Promise<Reply> {
      const res = await fetch(`${p.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        // Unique content: the cache (on for the cache test) must not answer these.
        body: JSON.stringify({ messages: [{ role: 'user', content: `hello ${++seq}` }], ...body }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* a stream */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    }

    async function readiness(p: Proxy): Promise<any> {
      const res = await fetch(`${p.url}/health/readiness`, { headers: { authorization: `Bearer ${MASTER_KEY}` }, signal: AbortSignal.timeout(5000) });
      return res.json();
    }

    async function waitUntil(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
      const until = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > until) throw new Error(`timed out: ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    beforeAll(async () => {
      ensureBuilt();
      redis = await startRedis();
      raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      mock = await startMockServer();
      dir = await mkdtemp(join(tmpdir(), 'tracegate-multi-'));
      const config = {
        // A loaded 2-core CI box answers slower than the 50 ms default; a killed Redis still fails at once (the connection closes).
        store: { redis: { url: '${REDIS_URL}', keyPrefix: PREFIX, heartbeatMs: 200, commandTimeoutMs: 1000 } },
        models: [
          { name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-provider-multi-0001', baseURL: '${MOCK_BASE}', price: { input: 0, output: 1_000_000 } },
          { name: 'flaky', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-provider-multi-0001', baseURL: '${MOCK_BASE}' },
        ],
        retry: { maxAttempts: 1 },
        breaker: { consecutiveFailures: 3, cooldownMs: 600_000 },
        cache: { enabled: true },
        masterKey: MASTER_KEY,
        keys: [
          { id: 'budgeted', key: BUDGET_KEY, budgets: [{ limitUsd: 300, window: 'day' }] },
          { id: 'limited', key: RPM_KEY, rpm: 20 },
          { id: 'free', key: FREE_KEY },
        ],
      };
      const file = join(dir, 'tracegate.json');
      await writeFile(file, JSON.stringify(config, null, 2));
      [a, b] = await Promise.all([spawnProxy(file), spawnProxy(file)]);
      expect(a.out.join('')).toMatch(/state {4}redis redis:\/\/127\.0\.0\.1:\d+ \(key prefix "tgmulti:"/);
    }, 240_000);

    afterAll(async () => {
      for (const p of [a, b]) p?.proc.kill('SIGKILL');
      raw?.disconnect();
      await mock?.close();
      await redis?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('a $300 key budget holds across both: 40 waves of 10 concurrent requests spend at most the limit plus one reservation', async () => {
      let spent = 0;
      const served = { a: 0, b: 0 };
      let refused = 0;
      for (let wave = 0; wave < 40; wave++) {
        const replies = await Promise.all(
          Array.from({ length: 10 }, (_, i) => call(i % 2 ? b : a, BUDGET_KEY, { model: 'chat', max_tokens: MAX_TOKENS }).then((r) => ({ r, via: i % 2 ? 'b' : 'a' }) as const)),
        );
        for (const { r, via } of replies) {
          if (r.status === 200) {
            spent += Number(r.headers.get('x-tracegate-cost-usd'));
            served[via]++;
          } else {
            expect(r.status).toBe(429);
            expect(r.body.error.code).toBe('budget_exceeded');
            refused++;
          }
        }
      }
      expect(refused).toBeGreaterThan(0);
      expect(served.a).toBeGreaterThan(0);
      expect(served.b).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(300 + RESERVATION_USD);
      // Each proxy alone would have let ~$300 through: together they spent about one limit, not two.
      expect(spent).toBeGreaterThan(300 - RESERVATION_USD * 10);
      const [counter] = await raw.keys(`${PREFIX}budget:key:budgeted:*`);
      // Settlements are written behind the answers (a moment later).
      await waitUntil(async () => Math.abs(Number(await raw.get(counter!)) - spent) < 1e-6, 'the settled spend in Redis');
    }, 120_000);

    it('a key with rpm 20 admits at most 20 of 60 concurrent requests split across both', async () => {
      const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => call(i % 2 ? b : a, RPM_KEY, { model: 'chat' })));
      const ok = replies.filter((r) => r.status === 200).length;
      expect(ok).toBeLessThanOrEqual(20);
      expect(ok).toBe(20); // atomic admission: exactly the limit
      for (const r of replies.filter((x) => x.status !== 200)) expect(r.body.error.code).toBe('rate_limit_exceeded');
    });

    it("three failures through A open the deployment's breaker; B then fails fast without calling the upstream", async () => {
      mock.enqueue({ model: 'gpt-4o' }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
      for (let i = 0; i < 3; i++) expect((await call(a, FREE_KEY, { model: 'flaky' })).status).toBe(500);
      const before = mock.count({ model: 'gpt-4o' });
      const r = await call(b, FREE_KEY, { model: 'flaky' });
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('circuit_open');
      expect(mock.count({ model: 'gpt-4o' })).toBe(before);
      const ready = await readiness(b);
      expect(ready.aliases.flaky.deployments[0].state).toBe('open');
    });

    it('the exact-match cache: an answer cached through A is a hit through B, also as a stream', async () => {
      const body = { model: 'chat', messages: [{ role: 'user', content: 'cache me please' }] };
      const first = await fetch(`${a.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FREE_KEY}`, 'content-type': 'application/json'},
        body: JSON.stringify(body),
      });
      expect(first.status).toBe(200);
      const answer = (await first.json()) as any;
      const calls = mock.calls.length;
      // The write is asynchronous: wait until the entry is in Redis.
      await waitUntil(async () => (await raw.keys(`${PREFIX}cache:*`)).length > 0, 'cache entry in Redis');
      const second = await fetch(`${b.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FREE_KEY}`, 'content-type': 'application/json'},
        body: JSON.stringify(body),
      });
      expect(second.status).toBe(200);
      expect(second.headers.get('x-tracegate-cache')).toBe('hit');
      expect(((await second.json()) as any).choices[0].message.content).toBe(answer.choices[0].message.content);
      const streamed = await fetch(`${b.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FREE_KEY}`, 'content-type': 'application/json'},
        body: JSON.stringify({ ...body, stream: true }),
      });
      expect(streamed.headers.get('content-type')).toMatch(/text\/event-stream/);
      expect(streamed.headers.get('x-tracegate-cache')).toBe('hit');
      const text = await streamed.text();
      expect(text).toContain('data: [DONE]');
      const content = text
        .split('\n')
        .filter((l) => l.startsWith('data: {'))
        .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? '')
        .join('');
      expect(content).toBe(answer.choices[0].message.content);
      expect(mock.calls.length).toBe(calls);
    });

    it('Redis killed by PID: both keep answering, budgeted requests get a prompt 503 store_unavailable; after a restart sharing resumes', async () => {
      await redis.stop();
      for (const p of [a, b]) {
        const free = await call(p, FREE_KEY, { model: 'chat' });
        expect(free.status).toBe(200);
        expect(free.headers.get('x-tracegate-store')).toBe('degraded');
        const budgeted = await call(p, BUDGET_KEY, { model: 'chat', max_tokens: MAX_TOKENS });
        expect(budgeted.status).toBe(503);
        expect(budgeted.body.error.code).toBe('store_unavailable');
        const ready = await readiness(p);
        expect(ready.store).toMatchObject({ kind: 'redis', status: 'degraded', reachable: true });
      }
      for (const p of [a, b]) expect(p.out.join('')).toMatch(/tracegate store: Redis redis:\/\/127\.0\.0\.1:\d+ went away/);

      await redis.restart();
      for (const p of [a, b]) await waitUntil(async () => (await readiness(p)).store.status === 'ok', 'store back');
      for (const p of [a, b]) expect(p.out.join('')).toMatch(/is back after/);
      // The restarted Redis is empty (no persistence): the budget counts again from 0, shared by both.
      const viaA = await call(a, BUDGET_KEY, { model: 'chat', max_tokens: MAX_TOKENS });
      const viaB = await call(b, BUDGET_KEY, { model: 'chat', max_tokens: MAX_TOKENS });
      expect([viaA.status, viaB.status]).toEqual([200, 200]);
      expect(viaB.headers.get('x-tracegate-store')).toBeNull();
      const spent = Number(viaA.headers.get('x-tracegate-cost-usd')) + Number(viaB.headers.get('x-tracegate-cost-usd'));
      const [counter] = await raw.keys(`${PREFIX}budget:key:budgeted:*`);
      // Settlements are written behind the answers (a moment later).
      await waitUntil(async () => Math.abs(Number(await raw.get(counter!)) - spent) < 1e-6, 'the settled spend in Redis');
      // Rate limits are shared again: the rpm key's window holds both instances' requests.
      await Promise.all([call(a, RPM_KEY, { model: 'chat' }), call(b, RPM_KEY, { model: 'chat' })]);
      expect(Number(await raw.hget(`${PREFIX}rl:key:limited:rpm#m`, 'sum'))).toBe(2);
      for (const p of [a, b]) expect(p.proc.exitCode).toBeNull();
    }, 60_000);
  },
  'spawn',
);
