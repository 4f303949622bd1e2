/**
 * A provider that reports no token count (Gemini batchEmbedContents, Cohere Embed on Bedrock):
 * the spans carry no usage and the token histogram records nothing (GenAI metrics: MUST NOT
 * report), although the OpenAI-shaped answer still says 0 (the shape requires a usage).
 */
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { FAKE_KEY, setupTracing, useMockRouter } from './harness.js';

const h = setupTracing();
const t = useMockRouter(h, {
  models: (_base, mock) => [
    { name: 'gemini-embed', provider: 'gemini', model: 'text-embedding-004', apiKey: FAKE_KEY, baseURL: mock.baseURL('gemini') },
    {
      name: 'cohere-embed',
      provider: 'bedrock',
      model: 'cohere.embed-english-v3',
      region: 'us-east-1',
      accessKeyId: 'AKIDEXAMPLEFAKE',
      secretAccessKey: 'fake-secret-for-tests-only',
      baseURL: mock.baseURL('bedrock'),
    },
    {
      name: 'titan-embed',
      provider: 'bedrock',
      model: 'amazon.titan-embed-text-v2:0',
      region: 'us-east-1',
      accessKeyId: 'AKIDEXAMPLEFAKE',
      secretAccessKey: 'fake-secret-for-tests-only',
      baseURL: mock.baseURL('bedrock'),
    },
  ],
});

async function tokenPoints(): Promise<DataPoint<Histogram>[]> {
  const collected = await h.metrics();
  const m = collected.scopeMetrics.flatMap((s) => s.metrics).find((x) => x.descriptor.name === 'gen_ai.client.token.usage');
  return (m?.dataPoints ?? []) as DataPoint<Histogram>[];
}

const USAGE_KEYS = ['llm.cost.prompt', 'gen_ai.usage.input_tokens', 'llm.token_count.prompt', 'llm.token_count.total', 'tracegate.usage.input_tokens', 'llm.cost.total'];

describe('no usage reported by the provider', () => {
  it.each(['gemini-embed', 'cohere-embed'])('%s: no usage attributes and no token metric', async (model) => {
    const res = await t.router.embeddings.create({ model, input: ['hello', 'world'] });
    expect(res.usage.prompt_tokens).toBe(0);
    const spans = h.spans();
    expect(spans.length).toBe(2);
    for (const span of spans) {
      for (const key of USAGE_KEYS) expect(span.attributes[key], `${span.name} ${key}`).toBeUndefined();
      // the cost is unknown, not 0
      expect(span.attributes['tracegate.cost.price_unknown'], span.name).toBe(true);
    }
    const provider = model === 'gemini-embed' ? 'gcp.gemini' : 'aws.bedrock';
    expect((await tokenPoints()).filter((p) => p.attributes['gen_ai.provider.name'] === provider)).toEqual([]);
  });

  it('Titan reports its token count: usage is there', async () => {
    await t.router.embeddings.create({ model: 'titan-embed', input: 'hello world' });
    const attempt = h.spans().find((s) => s.attributes['tracegate.attempt.id'] !== undefined)!;
    expect(attempt.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(attempt.attributes['llm.token_count.prompt']).toBeGreaterThan(0);
  });
});

describe('llm.system on every model span (OpenInference LLMSystem values)', () => {
  it.each([
    ['gemini-embed', 'vertexai'],
    ['cohere-embed', 'cohere'],
    ['titan-embed', 'amazon'],
  ])('%s → %s', async (model, system) => {
    await t.router.embeddings.create({ model, input: 'hello' });
    const attempt = h.spans().find((s) => s.attributes['tracegate.attempt.id'] !== undefined)!;
    expect(attempt.attributes['llm.system']).toBe(system);
  });
});
