/** Scenarios: sequences, seeded probabilistic faults, precedence, counting, validation errors with paths, files. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadMockScenarioFile, MockScenarioError, parseMockScenario, startMockServer, type MockScenario, type MockServer } from '../../src/mock/index.js';
import { chat } from '../helpers/mock-client.js';

let dir: string;
const servers: MockServer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracegate-mock-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function serve(scenario?: MockScenario | string, seed?: number): Promise<MockServer> {
  const server = await startMockServer({ ...(scenario !== undefined ? { scenario } : {}), ...(seed !== undefined ? { seed } : {}) });
  servers.push(server);
  return server;
}

async function statuses(mock: MockServer, n: number, model = 'm', dialect: 'openai' | 'anthropic' = 'openai'): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await chat(mock, dialect, model);
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

describe('sequences', () => {
  it('steps are used one per matching request; then ok (default), repeat or last', async () => {
    const mock = await serve({
      rules: [
        { match: { model: 'ok-after' }, sequence: [{ kind: 'rate_limit' }, { kind: 'server_error', status: 503 }] },
        { match: { model: 'repeat' }, sequence: [{ kind: 'rate_limit' }, { kind: 'ok' }], then: 'repeat' },
        { match: { model: 'last' }, sequence: [{ kind: 'ok' }, { kind: 'bad_request' }], then: 'last' },
      ],
    });
    expect(await statuses(mock, 4, 'ok-after')).toEqual([429, 503, 200, 200]);
    expect(await statuses(mock, 5, 'repeat')).toEqual([429, 200, 429, 200, 429]);
    expect(await statuses(mock, 4, 'last')).toEqual([200, 400, 400, 400]);
    expect(mock.count({ model: 'repeat', fault: 'rate_limit' })).toBe(3);
    expect(mock.count({ model: 'repeat', fault: 'none' })).toBe(2);
    expect(mock.count({ model: 'repeat', fault: 'ok' })).toBe(2);
    expect(mock.calls.find((call) => call.model === 'ok-after')?.source).toBe('sequence');
  });

  it('the first matching rule wins; match by dialect, operation, stream and model glob', async () => {
    const mock = await serve({
      rules: [
        { match: { dialect: 'anthropic', stream: true }, sequence: [{ kind: 'overloaded' }], then: 'repeat' },
        { match: { model: 'gpt-4o*', operation: 'chat' }, sequence: [{ kind: 'bad_request' }], then: 'repeat' },
        { match: { model: ['gpt-4o-mini', 'other'] }, sequence: [{ kind: 'server_error' }], then: 'repeat' },
      ],
    });
    expect((await chat(mock, 'anthropic', 'claude', { stream: true })).status).toBe(529);
    expect((await chat(mock, 'anthropic', 'claude')).status).toBe(200);
    expect(await statuses(mock, 1, 'gpt-4o-mini')).toEqual([400]);
    expect(await statuses(mock, 1, 'other')).toEqual([500]);
    expect(await statuses(mock, 1, 'gpt-5')).toEqual([200]);
  });

  it('setScenario replaces the rules and resets cursors; reset() clears calls and cursors', async () => {
    const scenario: MockScenario = { rules: [{ sequence: [{ kind: 'rate_limit' }] }] };
    const mock = await serve(scenario);
    expect(await statuses(mock, 2)).toEqual([429, 200]);
    mock.setScenario(scenario);
    expect(await statuses(mock, 1)).toEqual([429]);
    mock.reset();
    expect(mock.calls).toHaveLength(0);
    expect(await statuses(mock, 1)).toEqual([429]);
    expect(mock.calls[0]?.seq).toBe(1);
  });
});

describe('probabilistic faults', () => {
  const scenario: MockScenario = {
    rules: [{ faults: [{ probability: 0.3, kind: 'rate_limit' }, { probability: 0.2, kind: 'server_error', status: 502 }] }],
  };

  it('the same seed gives the same choices; another seed different ones', async () => {
    const a = await statuses(await serve(scenario, 7), 40);
    const b = await statuses(await serve(scenario, 7), 40);
    const c = await statuses(await serve(scenario, 8), 40);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(new Set(a)).toEqual(new Set([200, 429, 502]));
  });

  it('frequencies follow the probabilities; setScenario restarts the PRNG', async () => {
    const mock = await serve(scenario, 3);
    const opening = await statuses(mock, 10);
    const first = [...opening];
    for (let batch = 0; batch < 19; batch++) {
      const responses = await Promise.all(Array.from({ length: 10 }, () => chat(mock, 'openai', 'm')));
      for (const res of responses) first.push(res.status);
      await Promise.all(responses.map((res) => res.arrayBuffer()));
    }
    const share = (status: number) => first.filter((s) => s === status).length / first.length;
    expect(share(429)).toBeGreaterThan(0.2);
    expect(share(429)).toBeLessThan(0.4);
    expect(share(502)).toBeGreaterThan(0.12);
    expect(share(502)).toBeLessThan(0.28);
    expect(mock.count({ fault: 'rate_limit' })).toBe(first.filter((s) => s === 429).length);
    mock.setScenario(scenario);
    expect(await statuses(mock, 10)).toEqual(opening);
  });

  it('after a sequence is used up (then: ok) the faults are rolled; an explicit ok step skips them', async () => {
    const mock = await serve({ rules: [{ sequence: [{ kind: 'ok' }, { kind: 'rate_limit' }], faults: [{ probability: 1, kind: 'bad_request' }] }] });
    expect(await statuses(mock, 4)).toEqual([200, 429, 400, 400]);
    expect(mock.calls.map((call) => call.source)).toEqual(['sequence', 'sequence', 'probability', 'probability']);
  });

  it('the scenario seed is used when the option is absent', async () => {
    const withSeed = { ...scenario, seed: 7 };
    expect(await statuses(await serve(withSeed), 30)).toEqual(await statuses(await serve(scenario, 7), 30));
  });
});

describe('precedence and counting', () => {
  it('header > enqueue > rule sequence; enqueue scripts are FIFO and match-scoped', async () => {
    const mock = await serve({ rules: [{ sequence: [{ kind: 'server_error' }], then: 'repeat' }] });
    mock.enqueue({ model: 'a' }, { kind: 'rate_limit' }, { kind: 'ok' });
    mock.enqueue({ model: 'a' }, { kind: 'bad_request' });
    mock.enqueue({ dialect: 'anthropic' }, { kind: 'overloaded' });
    expect((await chat(mock, 'openai', 'a', { headers: { 'x-mock-fault': 'auth' } })).status).toBe(401);
    expect(await statuses(mock, 4, 'a')).toEqual([429, 200, 400, 500]);
    expect(await statuses(mock, 1, 'b')).toEqual([500]);
    expect(await statuses(mock, 2, 'b', 'anthropic')).toEqual([529, 500]);
    expect(mock.calls.map((call) => call.source)).toEqual(['header', 'queue', 'queue', 'queue', 'sequence', 'sequence', 'queue', 'sequence']);
    expect(mock.count()).toBe(8);
    expect(mock.count({ dialect: 'anthropic' })).toBe(2);
    expect(mock.count({ model: 'a', fault: 'none' })).toBe(1);
    expect(mock.count({ status: 500 })).toBe(3);
    expect(mock.count({ operation: 'embeddings' })).toBe(0);
  });

  it('defaults and rule settings merge; x-mock-reply wins; rule latency applies; auth can be off', async () => {
    const mock = await serve({
      auth: false,
      defaults: { reply: { text: 'default text', usage: { prompt_tokens: 11 } } },
      rules: [
        { match: { model: 'slow' }, latencyMs: 120 },
        { match: { model: 'strict' }, auth: true },
        { match: { model: 'ruled' }, reply: { text: 'rule text' } },
      ],
    });
    const ruled = await (await chat(mock, 'openai', 'ruled', { auth: false })).json();
    expect(ruled.choices[0].message.content).toBe('rule text');
    expect(ruled.usage.prompt_tokens).toBe(11);
    const header = await (await chat(mock, 'openai', 'ruled', { auth: false, headers: { 'x-mock-reply': '{"text":"header text"}' } })).json();
    expect(header.choices[0].message.content).toBe('header text');
    expect((await chat(mock, 'openai', 'strict', { auth: false })).status).toBe(401);
    const started = Date.now();
    expect((await chat(mock, 'openai', 'slow', { auth: false })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('unauthenticated calls are answered 401 without consuming a sequence step', async () => {
    const mock = await serve({ rules: [{ sequence: [{ kind: 'rate_limit' }] }] });
    expect((await chat(mock, 'openai', 'm', { auth: false })).status).toBe(401);
    expect(await statuses(mock, 1)).toEqual([429]);
  });

  it('bad control headers are a 400 naming the header and the path', async () => {
    const mock = await serve();
    const unknownKind = await chat(mock, 'openai', 'm', { headers: { 'x-mock-fault': 'explode' } });
    expect(unknownKind.status).toBe(400);
    expect((await unknownKind.json()).error.message).toContain('x-mock-fault: kind: Invalid discriminator value');
    const badValue = await chat(mock, 'anthropic', 'm', { headers: { 'x-mock-fault': 'latency:ms=soon' } });
    expect((await badValue.json()).error.message).toContain('x-mock-fault: ms:');
    const badReply = await chat(mock, 'gemini', 'm', { headers: { 'x-mock-reply': '{"txt":"x"}' } });
    expect((await badReply.json()).error.message).toContain('Unrecognized key: "txt"');
  });
});

describe('validation', () => {
  const errorOf = (input: unknown) => {
    try {
      parseMockScenario(input);
    } catch (err) {
      return err as InstanceType<typeof MockScenarioError>;
    }
    throw new Error('expected a MockScenarioError');
  };

  it('names the path of each problem', () => {
    const bad = errorOf({ rules: [{ sequence: [{ kind: 'ok' }] }, { sequence: [{ kind: 'ok' }, { kind: 'nope' }] }] });
    expect(bad).toBeInstanceOf(MockScenarioError);
    expect(bad.message).toContain('rules[1].sequence[1].kind');
    expect(bad.issues[0]?.path).toBe('rules[1].sequence[1].kind');
    expect(errorOf({ rules: [{ sequence: [{ kind: 'latency' }] }] }).message).toContain('rules[0].sequence[0].ms');
    expect(errorOf({ rules: [{ match: { dialect: 'cohere' } }] }).message).toContain('rules[0].match.dialect');
    expect(errorOf({ rules: [{ faults: [{ probability: 2, kind: 'hang' }] }] }).message).toContain('rules[0].faults[0].probability');
    expect(errorOf({ rules: [{ faults: [{ probability: 0.5, kind: 'rate_limit', retryAfter: 3 }] }] }).message).toContain('rules[0].faults[0]: Unrecognized key: "retryAfter"');
    expect(errorOf({ rules: [{ faults: [{ probability: 0.7, kind: 'hang' }, { probability: 0.6, kind: 'hang' }] }] }).message).toMatch(/rules\[0\]\.faults: fault probabilities add up to 1\.3/);
    expect(errorOf({ defaults: { replay: '../etc/passwd' } }).message).toContain('defaults.replay');
  });

  it('startMockServer and setScenario reject bad scenarios; enqueue rejects bad steps', async () => {
    await expect(startMockServer({ scenario: { rules: [{ then: 'forever' }] } as unknown as MockScenario })).rejects.toThrow(/rules\[0\]\.then/);
    const mock = await serve();
    expect(() => mock.setScenario({ rules: [{ sequence: [{ kind: 'status' }] }] } as unknown as MockScenario)).toThrow(/rules\[0\]\.sequence\[0\]\.status/);
    expect(() => mock.enqueue({}, { kind: 'cut', afterChunks: -1 })).toThrow(/enqueue step 0: afterChunks/);
  });

  it('scenario files: YAML and JSON load; errors name the file and the path', async () => {
    const yamlFile = join(dir, 'good.yaml');
    await writeFile(yamlFile, 'rules:\n  - match: { model: a }\n    sequence:\n      - { kind: rate_limit, retryAfterSeconds: 1 }\n');
    const mock = await serve(yamlFile);
    const res = await chat(mock, 'openai', 'a');
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '1']);

    const badFile = join(dir, 'bad.json');
    await writeFile(badFile, JSON.stringify({ rules: [{}, { sequence: [{ kind: 'stall', afterChunks: 'x' }] }] }));
    await expect(loadMockScenarioFile(badFile)).rejects.toThrow(`${badFile}: rules[1].sequence[0].afterChunks`);
    const brokenYaml = join(dir, 'broken.yaml');
    await writeFile(brokenYaml, 'rules: [\n');
    await expect(loadMockScenarioFile(brokenYaml)).rejects.toThrow(`${brokenYaml}: not valid YAML/JSON`);
    await expect(startMockServer({ scenario: join(dir, 'missing.yaml') })).rejects.toThrow(/missing\.yaml: cannot read scenario file/);
  });

  it('the example chaos scenario is valid and its JSON twin says the same', async () => {
    const yaml = await loadMockScenarioFile('examples/mock-scenario.yaml');
    const json = await loadMockScenarioFile('examples/mock-scenario.json');
    expect(json).toEqual(yaml);
    expect(yaml.rules?.length).toBeGreaterThan(4);
    const raw = parseYaml(await readFile('examples/mock-scenario.yaml', 'utf8'));
    expect(raw.rules[0]).toMatchObject({ match: { model: 'broken-json-model' } });
    const mock = await serve('examples/mock-scenario.yaml');
    const broken = await chat(mock, 'openai', 'broken-json-model');
    expect(broken.status).toBe(200);
    await expect(broken.json()).rejects.toThrow();
    expect(await statuses(mock, 4, 'gpt-4o')).toEqual([503, 502, 500, 200]);
  });
});
