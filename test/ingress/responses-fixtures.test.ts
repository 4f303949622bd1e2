/**
 * The proxy's Responses API stream and body compared with OpenAI's recorded ones
 * (test/fixtures/providers/openai-responses): the same event order (runs of deltas collapsed),
 * the same fields on every event and item, and the same fields on the Response object (those
 * tracegate has no value for, such as `billing` or `tool_usage`, excepted and listed here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureChunks, fixtureJson } from '../helpers/fixtures.js';
import { sseJson, parseSse } from '../helpers/sse.js';
import { KEY_ALL, raw, startStack, type Stack } from '../proxy/helpers.js';
import { ingressModels } from './helpers.js';

type Json = Record<string, any>;

/** Response fields OpenAI sends that have no meaning behind tracegate (billing, OpenAI-only features). */
const OPENAI_ONLY = new Set([
  'billing',
  'completed_at',
  'frequency_penalty',
  'presence_penalty',
  'max_tool_calls',
  'moderation',
  'prompt_cache_retention',
  'service_tier',
  'tool_usage',
  'top_logprobs',
]);
/** Event fields OpenAI adds that carry no content (`obfuscation` pads deltas against side channels). */
const EVENT_EXTRAS = new Set(['obfuscation']);

let s: Stack;
beforeAll(async () => {
  s = await startStack((mock) => ({ models: ingressModels(mock), keys: [{ id: 'all', key: KEY_ALL }] }));
});
afterAll(() => s.close());

function collapse(types: string[]): string[] {
  return types.filter((t, i) => !(t.endsWith('.delta') && types[i - 1] === t));
}

function keys(o: Json | undefined, drop: Set<string> = new Set()): string[] {
  return Object.keys(o ?? {})
    .filter((k) => !drop.has(k))
    .sort();
}

async function streamed(body: Json): Promise<{ events: Json[]; names: (string | undefined)[] }> {
  const r = await raw(`${s.proxy.url}/v1/responses`, {
    headers: { authorization: `Bearer ${KEY_ALL}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(r.status).toBe(200);
  return { events: sseJson(r.text), names: parseSse(r.text).map((e) => e.event) };
}

function compareEvents(ours: Json[], names: (string | undefined)[], recorded: Json[]): void {
  expect(collapse(ours.map((e) => e.type))).toEqual(collapse(recorded.map((e) => e.type)));
  // The SSE event name is the payload's type, as OpenAI sends it.
  expect(names).toEqual(ours.map((e) => e.type));
  for (const r of recorded) {
    const o = ours.find((e) => e.type === r.type)!;
    expect(keys(o, EVENT_EXTRAS), r.type).toEqual(keys(r, EVENT_EXTRAS));
    if (r.item) expect(keys(o.item), `${r.type} item`).toEqual(keys(r.item));
    if (r.part) expect(keys(o.part), `${r.type} part`).toEqual(keys(r.part));
    if (r.response) expect(keys(o.response), `${r.type} response`).toEqual(keys(r.response, OPENAI_ONLY));
  }
}

describe('Responses API wire compared with the recorded OpenAI responses', () => {
  it('text stream: event order and fields', async () => {
    s.mock.enqueue({ model: 'claude-sonnet-4-5' }, { kind: 'ok', reply: { text: 'OK' } });
    const { events, names } = await streamed({ model: 'via-anthropic', input: 'Say OK' });
    compareEvents(events, names, fixtureChunks<Json>('openai-responses/openai-responses-text.chunks.txt'));
    const completed = events.at(-1)!;
    expect(completed.response.output[0].content[0].text).toBe('OK');
  });

  it('function call stream: event order and fields', async () => {
    s.mock.enqueue({ model: 'gemini-2.5-flash' }, { kind: 'ok', reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Beijing' } }] } });
    const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
    const { events, names } = await streamed({ model: 'via-gemini', input: 'Weather in Beijing?', tools });
    compareEvents(events, names, fixtureChunks<Json>('openai-responses/openai-responses-tool-call.chunks.txt'));
    const done = events.find((e) => e.type === 'response.output_item.done')!;
    expect(done.item).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(JSON.parse(done.item.arguments)).toEqual({ city: 'Beijing' });
  });

  it('plain body: the same Response, item, part and usage fields', async () => {
    s.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: 'OK' } });
    const r = await raw(`${s.proxy.url}/v1/responses`, {
      headers: { authorization: `Bearer ${KEY_ALL}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'via-openai', input: 'Say OK' }),
    });
    expect(r.status).toBe(200);
    const recorded = fixtureJson<Json>('openai-responses/openai-responses-text.json');
    expect(keys(r.body)).toEqual(keys(recorded, OPENAI_ONLY));
    expect(keys(r.body.output[0])).toEqual(keys(recorded.output[0]));
    expect(keys(r.body.output[0].content[0])).toEqual(keys(recorded.output[0].content[0]));
    expect(keys(r.body.usage)).toEqual(keys(recorded.usage));
    expect(keys(r.body.usage.output_tokens_details)).toEqual(keys(recorded.usage.output_tokens_details));
    expect(r.body.usage.input_tokens_details.cached_tokens).toBe(0);
  });
});
