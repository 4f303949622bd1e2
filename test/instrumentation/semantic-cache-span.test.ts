/**
 * A semantic cache hit on the call span: `tracegate.cache.action = hit` with
 * `tracegate.cache.kind = semantic`, the similarity, what it saved, and a span link to the call
 * that produced the answer; the lookup's embeddings call is a child call span of its own.
 */
import { SpanKind } from '@opentelemetry/api';
import { expect, it } from 'vitest';
import { ATTR_TRACEGATE_CACHE_HIT, ATTR_TRACEGATE_OPERATION, ATTR_TRACEGATE_OUTCOME, ATTR_TRACEGATE_ROUTE } from '../../semconv/index.js';
import { FAKE_KEY, setupTracing, useMockRouter } from './harness.js';

const h = setupTracing();
const t = useMockRouter(h, {
  mock: { scenario: { defaults: { reply: { echo: true } } } },
  models: (base) => [
    { name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base },
    { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: FAKE_KEY, baseURL: base },
  ],
  router: { cache: { semantic: { embeddingModel: 'embed', scope: 'global', threshold: 0.75 } } },
});

it('the hit\'s call span says semantic, carries the similarity and links to the answer\'s trace', async () => {
  await t.router.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'How do I reset my password?' }] });
  await new Promise((r) => setTimeout(r, 20));
  const calls = () => h.spans().filter((s) => s.attributes[ATTR_TRACEGATE_OPERATION] === 'chat' && s.kind !== SpanKind.CLIENT);
  const producer = calls()[0]!;
  expect(producer.attributes['tracegate.cache.kind']).toBe('semantic');
  expect(producer.attributes[ATTR_TRACEGATE_CACHE_HIT]).toBe(false);
  await t.router.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'how can I reset my password' }] });
  const hit = calls()[1]!;
  expect(hit.attributes).toMatchObject({
    [ATTR_TRACEGATE_CACHE_HIT]: true,
    [ATTR_TRACEGATE_OUTCOME]: 'cache_hit',
    'tracegate.cache.action': 'hit',
    'tracegate.cache.kind': 'semantic',
    'tracegate.cache.threshold': 0.75,
    'tracegate.cache.source_trace_id': producer.spanContext().traceId,
  });
  expect(hit.attributes['tracegate.cache.similarity']).toBeGreaterThan(0.75);
  expect(hit.attributes['tracegate.cache.saved_usd']).toBeGreaterThan(0);
  expect(hit.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([[producer.spanContext().traceId, producer.spanContext().spanId]]);
  // The lookup's embeddings call: a call span of its own, child of the chat call.
  const embed = h.spans().filter((s) => s.attributes[ATTR_TRACEGATE_OPERATION] === 'embeddings' && s.attributes[ATTR_TRACEGATE_ROUTE] === 'embed');
  expect(embed.length).toBe(2);
  expect(embed[1]!.parentSpanContext?.spanId).toBe(hit.spanContext().spanId);
});
