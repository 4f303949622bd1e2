/** Replay of recorded responses from test/fixtures/providers, in each family's wire framing. */
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockDialect, type MockServer } from '../../src/mock/index.js';
import { decodeEventStream } from '../helpers/eventstream.js';
import { chat, readBody } from '../helpers/mock-client.js';
import { parseSse } from '../helpers/sse.js';

const ROOT = 'test/fixtures/providers';
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ fixturesDir: ROOT });
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

const lines = (file: string) =>
  readFileSync(`${ROOT}/${file}`, 'utf8')
    .split('\n')
    .filter((line) => line.trim());
const fixture = (ref: string) => ({ 'x-mock-fixture': ref });

/** family → [request dialect, fixture name]; the framing follows the family. */
const FAMILIES: [string, MockDialect, string][] = [
  ['openai', 'openai', 'openai-text'],
  ['groq', 'openai', 'groq-tool-call'],
  ['mistral', 'openai', 'mistral-text'],
  ['deepseek', 'openai', 'deepseek-tool-call'],
  ['anthropic', 'anthropic', 'anthropic-text'],
  ['google', 'gemini', 'google-text'],
  ['bedrock', 'bedrock', 'amazon-bedrock-text'],
];

describe.each(FAMILIES)('%s fixtures', (family, dialect, name) => {
  it('a plain request gets the recorded .json body verbatim', async () => {
    const res = await chat(mock, dialect, 'any-model', { headers: fixture(`${family}/${name}`) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(readFileSync(`${ROOT}/${family}/${name}.json`, 'utf8'));
    expect(mock.calls[0]).toMatchObject({ replay: `${family}/${name}`, status: 200 });
  });

  it('a stream request gets the .chunks.txt lines framed for the family', async () => {
    const res = await chat(mock, dialect, 'any-model', { stream: true, headers: fixture(`${family}/${name}`) });
    const recorded = lines(`${family}/${name}.chunks.txt`);
    if (family === 'bedrock') {
      expect(res.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
      const messages = decodeEventStream(Buffer.from(await res.arrayBuffer()));
      expect(messages.map((m) => ({ [m.headers[':event-type']!]: JSON.parse(m.payload.toString('utf8')) }))).toEqual(recorded.map((line) => JSON.parse(line)));
      return;
    }
    const text = await res.text();
    const events = parseSse(text);
    if (family === 'anthropic') {
      expect(events.map((e) => e.event)).toEqual(recorded.map((line) => JSON.parse(line).type));
      expect(events.map((e) => e.data)).toEqual(recorded);
    } else if (family === 'google') {
      expect(text).not.toContain('[DONE]');
      expect(events.map((e) => e.data)).toEqual(recorded);
    } else {
      expect(events.map((e) => e.data)).toEqual([...recorded, '[DONE]']);
    }
  });
});

describe('replay details', () => {
  it('the official OpenAI SDK reads a replayed stream', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: mock.baseURL('openai'), maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'x' }], stream: true }, { headers: fixture('mistral/mistral-text') });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    const expected = lines('mistral/mistral-text.chunks.txt')
      .map((line) => JSON.parse(line).choices[0]?.delta?.content ?? '')
      .join('');
    expect(text).toBe(expected);
    expect(text.length).toBeGreaterThan(10);
  });

  it('error replay: status with the .error.json (or .json) body', async () => {
    const google = await chat(mock, 'gemini', 'g', { headers: fixture('google/google-429-retry-info;status=429') });
    expect(google.status).toBe(429);
    expect((await google.json()).error.details[1].retryDelay).toBe('34.4s');
    const anthropic = await chat(mock, 'anthropic', 'c', { headers: fixture('{"replay":"anthropic/anthropic-web-fetch-tool","status":400}') });
    expect(anthropic.status).toBe(400);
    expect(await anthropic.text()).toBe(readFileSync(`${ROOT}/anthropic/anthropic-web-fetch-tool.error.json`, 'utf8'));
  });

  it('a rule can replay; faults still apply to the replayed body', async () => {
    mock.setScenario({ rules: [{ match: { model: 'recorded' }, replay: 'anthropic/anthropic-text' }, { match: { model: 'err' }, replay: 'openai/reasoning-model-legacy-parameter-error', status: 400 }] });
    const cut = await readBody(await chat(mock, 'anthropic', 'recorded', { stream: true, headers: { 'x-mock-fault': 'cut:afterChunks=2' } }), 2_000);
    expect(cut.outcome).toBe('error');
    expect(parseSse(cut.text).map((e) => e.data)).toEqual(lines('anthropic/anthropic-text.chunks.txt').slice(0, 2));
    const plain = await (await chat(mock, 'anthropic', 'recorded')).json();
    expect(plain.id).toBe('msg_01VdEjxAP5ahtHKrrRdNBteQ');
    const err = await chat(mock, 'openai', 'err');
    expect(err.status).toBe(400);
    expect((await err.json()).error.code).toBe('unsupported_parameter');
    mock.setScenario({});
  });

  it('a raw .sse transcript is replayed as-is; a missing fixture is a 500 naming the file', async () => {
    const raw = await chat(mock, 'openai', 'x', { stream: true, headers: fixture('openai-compatible/anthropic-fallback-tool-call') });
    expect(await raw.text()).toBe(readFileSync(`${ROOT}/openai-compatible/anthropic-fallback-tool-call.sse`, 'utf8'));
    const missing = await chat(mock, 'openai', 'x', { headers: fixture('openai/no-such-fixture') });
    expect(missing.status).toBe(500);
    expect((await missing.json()).error.message).toContain('openai/no-such-fixture.json');
    const family = await chat(mock, 'openai', 'x', { headers: fixture('cohere/x') });
    expect((await family.json()).error.message).toContain('unknown fixture family "cohere"');
    const traversal = await chat(mock, 'openai', 'x', { headers: fixture('openai/../../package') });
    expect(traversal.status).toBe(400);
  });
});
