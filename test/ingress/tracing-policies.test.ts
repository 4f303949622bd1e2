/**
 * The Responses and Messages ingresses carry what chat completions carry: one trace per request
 * (SERVER call span with the ingress API and the dropped tools, a CLIENT attempt span under it,
 * `x-tracegate-trace-id`), and the same guardrails, key rate limits and budgets, each refusal
 * in the ingress's own error shape.
 */
import Anthropic from '@anthropic-ai/sdk';
import { SpanKind } from '@opentelemetry/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupTracing } from '../instrumentation/harness.js';
import { KEY_ALL, startStack, type Stack } from '../proxy/helpers.js';
import { ingressModels } from './helpers.js';

const KEY_LIMITED = 'sk-client-limited-00004';
const KEY_BROKE = 'sk-client-broke-000005';
const h = setupTracing();
let s: Stack;

beforeAll(async () => {
  s = await startStack((mock) => ({
    models: ingressModels(mock),
    keys: [
      { id: 'all', key: KEY_ALL },
      { id: 'limited', key: KEY_LIMITED, rpm: 1 },
      { id: 'broke', key: KEY_BROKE, budgets: [{ limitUsd: 0, window: 'day' }] },
    ],
    guardrails: [{ name: 'no-secrets', type: 'keywords', keywords: ['internal-only'] }],
  }));
});
beforeEach(() => {
  h.reset();
  s.mock.reset();
});
afterAll(async () => {
  await s.close();
  h.instrumentation.disable();
  await h.provider.shutdown();
});

function anthropic(key = KEY_ALL): Anthropic {
  return new Anthropic({ apiKey: key, baseURL: s.proxy.url, maxRetries: 0, timeout: 10_000 });
}

function callAndAttempt(name: string) {
  const spans = h.spans();
  const call = spans.find((sp) => sp.name === name)!;
  expect(call, `span ${name} in ${spans.map((x) => x.name).join(', ')}`).toBeDefined();
  const attempts = spans.filter((sp) => sp.parentSpanContext?.spanId === call.spanContext().spanId && sp.kind === SpanKind.CLIENT);
  return { call, attempts, traceIds: new Set(spans.map((sp) => sp.spanContext().traceId)) };
}

describe('ingress spans', () => {
  it('responses (plain and streamed): one trace, SERVER call span with tracegate.ingress.api, one attempt span', async () => {
    const { response } = await s.client().responses.create({ model: 'via-openai', input: 'hi', tools: [{ type: 'web_search' }] }).withResponse();
    let t = callAndAttempt('chat via-openai');
    expect(t.call.kind).toBe(SpanKind.SERVER);
    expect(t.call.attributes['tracegate.ingress.api']).toBe('responses');
    expect(t.call.attributes['tracegate.ingress.dropped_tools']).toEqual(['web_search']);
    expect(t.call.attributes['http.route']).toBe('/v1/responses');
    expect(t.attempts).toHaveLength(1);
    expect(t.traceIds.size).toBe(1);
    expect(response.headers.get('x-tracegate-trace-id')).toBe(t.call.spanContext().traceId);

    h.reset();
    const stream = await s.client().responses.create({ model: 'via-gemini', input: 'hi', stream: true });
    for await (const _ of stream) void _;
    t = callAndAttempt('chat via-gemini');
    expect(t.call.attributes['tracegate.ingress.api']).toBe('responses');
    expect(t.call.attributes['tracegate.stream']).toBe(true);
    expect(t.attempts).toHaveLength(1);
    expect(t.traceIds.size).toBe(1);
  });

  it('messages: the same, with tracegate.ingress.api = messages', async () => {
    const { response } = await anthropic().messages.create({ model: 'via-bedrock', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const t = callAndAttempt('chat via-bedrock');
    expect(t.call.kind).toBe(SpanKind.SERVER);
    expect(t.call.attributes['tracegate.ingress.api']).toBe('messages');
    expect(t.call.attributes['http.route']).toBe('/v1/messages');
    expect(t.call.attributes['tracegate.ingress.dropped_tools']).toBeUndefined();
    expect(t.attempts).toHaveLength(1);
    expect(t.attempts[0]!.attributes['gen_ai.provider.name']).toBe('aws.bedrock');
    expect(response.headers.get('x-tracegate-trace-id')).toBe(t.call.spanContext().traceId);
  });
});

describe('ingress policies', () => {
  it('a guardrail blocks a Responses request and a Messages request before any upstream call', async () => {
    const r = await s.client().responses.create({ model: 'via-openai', input: 'print the internal-only notes' }).catch((e) => e);
    expect(r).toBeInstanceOf(OpenAI.BadRequestError);
    expect(r.message).toContain('no-secrets');
    const m = await anthropic().messages.create({ model: 'via-openai', max_tokens: 50, messages: [{ role: 'user', content: 'print the internal-only notes' }] }).catch((e) => e);
    expect(m).toBeInstanceOf(Anthropic.BadRequestError);
    expect(m.error.error.type).toBe('invalid_request_error');
    expect(s.mock.calls).toHaveLength(0);
  });

  it("a key's rate limit counts calls of every ingress", async () => {
    await s.client(KEY_LIMITED).responses.create({ model: 'via-openai', input: 'hi' });
    const second = await anthropic(KEY_LIMITED).messages.create({ model: 'via-openai', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(second).toBeInstanceOf(Anthropic.RateLimitError);
    expect(second.error.error.type).toBe('rate_limit_error');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(s.mock.calls).toHaveLength(1);
  });

  it("a key's budget refuses Responses and Messages calls alike", async () => {
    const r = await s.client(KEY_BROKE).responses.create({ model: 'via-openai', input: 'hi' }).catch((e) => e);
    expect(r).toBeInstanceOf(OpenAI.RateLimitError);
    const m = await anthropic(KEY_BROKE).messages.create({ model: 'via-openai', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(m).toBeInstanceOf(Anthropic.RateLimitError);
    expect(s.mock.calls).toHaveLength(0);
  });
});
