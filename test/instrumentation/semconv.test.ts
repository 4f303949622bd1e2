/**
 * `tracegate/semconv` is the single list of names: the generated doc matches it, every name the
 * instrumentation emits is declared in it, and the GenAI names are the ones the OpenTelemetry
 * semantic-conventions package defines.
 */
import { readFileSync } from 'node:fs';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../src/index.js';
import { EvalRoutingPolicy, JsonSchemaValidation, evaluatorGuardrail, recordEvaluation } from '../../src/evals/index.js';
import { PACKAGE_VERSION } from '../../instrumentations/index.js';
import { semconvEntries } from '../../semconv/index.js';
import { semconvMarkdown } from '../../semconv/markdown.js';
import { FAKE_KEY, setupTracing, startMockServer, type MockServer } from './harness.js';

const h = setupTracing({ captureContent: true });
let mock: MockServer;
let router: Router;

const KINDS = 'retry|fallback|breaker|budget|rate_limit|cache|guardrail|mirror|route|context_window|eval_routing';
const PLACEHOLDER: Record<string, string> = { '<i>': '\\d+', '<j>': '\\d+', '<kind>': `(?:${KINDS})`, '<key>': '[^ ]+', '<detail>': '[^ ]+' };

/** A declared name as a pattern: `<i>`/`<j>` are indexes, `<kind>` a decision kind. */
function matcher(name: string): RegExp {
  const escaped = name
    .split(/(<[a-z]+>)/)
    .map((part) => PLACEHOLDER[part] ?? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('');
  return new RegExp(`^${escaped}$`);
}

/** Runs calls that make the router publish every kind of decision, with tracing on. */
beforeAll(async () => {
  mock = await startMockServer();
  const base = mock.baseURL('openai');
  router = new Router({
    models: [
      { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base },
      { name: 'support-accurate', provider: 'groq', model: 'llama-3.3-70b-versatile', apiKey: FAKE_KEY, baseURL: base, price: { input: 0.59, output: 0.79 } },
      { name: 'unpriced', provider: 'openai-compatible', model: 'local-model', apiKey: FAKE_KEY, baseURL: base },
      { name: 'tiny', provider: 'openai', model: 'gpt-4o-mini', id: 'tiny#0', apiKey: FAKE_KEY, baseURL: base, capabilities: { contextWindow: 20 } },
      { name: 'flaky', provider: 'openai', model: 'gpt-4.1-nano', apiKey: FAKE_KEY, baseURL: base },
      { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: FAKE_KEY, baseURL: base },
    ],
    retry: { initialBackoffMs: 5, maxBackoffMs: 10 },
    fallbacks: { flaky: ['support-accurate'] },
    contextWindowFallbacks: { tiny: ['support-accurate'] },
    breaker: { consecutiveFailures: 1, cooldownMs: 60_000 },
    budgets: [
      { scope: 'route', limitUsd: 100, window: 'day' },
      { scope: 'key', match: 'broke', limitUsd: 0, window: 'day' },
    ],
    mirror: { 'support-fast': { to: 'support-accurate', sampleRate: 1 } },
    hooks: { postCall: [{ name: 'json', aliases: ['support-accurate'], check: () => ({ action: 'flag', reason: 'not JSON', score: 0.2 }) }] },
  });
  const ask = (model: string, content = 'Hi', options: Parameters<Router['chat']['completions']['create']>[1] = {}) =>
    router.chat.completions.create({ model, messages: [{ role: 'user', content }] }, options).catch(() => undefined);

  // route, mirror, budget reserve/settle, sampling parameters, metadata, tags, shadow call
  await router.chat.completions.create(
    {
      model: 'support-fast',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.2,
      top_p: 1,
      seed: 7,
      n: 2,
      stop: ['x'],
      frequency_penalty: 0,
      presence_penalty: 0,
      response_format: { type: 'json_object' },
      tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
    },
    { metadata: { user: 'u1' }, tags: ['t'] },
  );
  // retry (rate limit, wait), then breaker open on flaky and a fallback to support-accurate (guardrail flag there)
  mock.enqueue({ model: 'gpt-4.1-nano' }, { kind: 'rate_limit', retryAfterMs: 5 });
  await ask('flaky');
  mock.enqueue({ model: 'gpt-4.1-nano' }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 });
  await ask('flaky');
  await ask('flaky'); // breaker open: skipped, fallback
  // context window: tiny is too small for this prompt
  await ask('tiny', 'x'.repeat(400));
  // budget rejection (key budget of 0)
  await ask('support-accurate', 'Hi', { identity: { key: 'broke' } });
  // cache miss + store, then hit
  await ask('unpriced', 'cache me', { cache: true });
  await ask('unpriced', 'cache me', { cache: true });
  // eval-aware routing: a weight and a redirect
  await router.routing.setWeight('support-fast#0', 0.5, { reason: 'json fail rate' });
  await router.routing.redirect('unpriced', 'support-accurate', { reason: 'rollback' });
  await ask('support-fast');
  await ask('unpriced');
  await router.routing.clear();
  // a stream with cached and reasoning tokens and a tool call, an unknown price
  mock.enqueue({ model: 'local-model' }, { kind: 'ok', reply: { toolCalls: [{ name: 'f', arguments: {} }], usage: { prompt_tokens: 10, completion_tokens: 4, cached_tokens: 2, reasoning_tokens: 1 } } });
  const stream = await router.chat.completions.create({
    model: 'unpriced',
    messages: [{ role: 'user', content: 'Hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream) void _;
  await router.embeddings.create({ model: 'embed', input: ['a', 'b'], encoding_format: 'float' });
  // a proxy (SERVER) call
  await router.chat.completions.create(
    { model: 'unpriced', messages: [{ role: 'user', content: 'Hi' }] },
    { server: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', method: 'POST', route: '/v1/chat/completions' } },
  );
  // evaluations: a guardrail's result on the open attempt span, a late evaluation span (explanations
  // captured), and an eval-aware routing decision published on the next call
  const json = JsonSchemaValidation({ schema: { type: 'object', required: ['a'] } });
  const evaluated = await router.chat.completions.create(
    { model: 'unpriced', messages: [{ role: 'user', content: 'Hi' }] },
    { hooks: { postCall: [evaluatorGuardrail(json, { mode: 'flag' })] } },
  );
  recordEvaluation(evaluated, await json.evaluate({ response: evaluated }));
  const policy = new EvalRoutingPolicy({ router, evaluator: 'json_schema', minSamples: 1, failRateThreshold: 0.5, action: 'demote', subscribe: false });
  await policy.observe({ name: 'json_schema', score: 0, label: 'invalid', passed: false, threshold: 1, route: { alias: 'unpriced', provider: 'openai-compatible', model: 'local-model', deployment: 'unpriced#0' } });
  await ask('unpriced');
  policy.close();
  await router.routing.clear();
  await new Promise((r) => setTimeout(r, 50)); // the shadow calls settle in the background
});
afterAll(async () => {
  await router.close();
  await mock.close();
});

describe('semconv', () => {
  it('docs/semconv.md is generated from the module', () => {
    const doc = readFileSync(new URL('../../docs/semconv.md', import.meta.url), 'utf8');
    expect(doc).toBe(semconvMarkdown());
  });

  it('the instrumentation version is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(PACKAGE_VERSION).toBe(pkg.version);
  });

  it('every attribute, event and span name emitted is declared', async () => {
    const entries = semconvEntries();
    const declared = (kind: string) => entries.filter((e) => e.kind === kind).map((e) => matcher(e.name));
    const attrs = declared('attribute');
    const events = declared('event');
    const spans = h.spans();
    expect(spans.length).toBeGreaterThanOrEqual(10);
    const undeclared = new Set<string>();
    for (const s of spans) {
      for (const key of Object.keys(s.attributes)) if (!attrs.some((r) => r.test(key))) undeclared.add(`attribute ${key}`);
      for (const e of s.events) {
        if (!events.some((r) => r.test(e.name))) undeclared.add(`event ${e.name}`);
        for (const key of Object.keys(e.attributes ?? {})) if (!attrs.some((r) => r.test(key))) undeclared.add(`event attribute ${key}`);
      }
    }
    const collected = await h.metrics();
    const metricNames = entries.filter((e) => e.kind === 'metric').map((e) => e.name);
    for (const m of collected.scopeMetrics.flatMap((x) => x.metrics)) {
      if (!metricNames.includes(m.descriptor.name)) undeclared.add(`metric ${m.descriptor.name}`);
      for (const p of m.dataPoints) for (const key of Object.keys(p.attributes)) if (!attrs.some((r) => r.test(key))) undeclared.add(`metric attribute ${key}`);
    }
    expect([...undeclared]).toEqual([]);
    // And the run did exercise the interesting ones.
    const keys = new Set(spans.flatMap((s) => Object.keys(s.attributes)));
    for (const k of [
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.reasoning.output_tokens',
      'gen_ai.request.choice.count',
      'gen_ai.output.type',
      'tracegate.cost.price_unknown',
      'tracegate.shadow',
      'tracegate.budget.action',
      'tracegate.breaker.action',
      'tracegate.cache.action',
      'tracegate.guardrail.action',
      'tracegate.guardrail.verdicts',
      'tracegate.context_window.action',
      'tracegate.eval_routing.action',
      'tracegate.eval_routing.evaluator',
      'evaluations.0.evaluation.name',
      'evaluations.0.evaluation.explanation',
      'gen_ai.evaluation.explanation',
      'tracegate.routed_alias',
      'tracegate.mirror.alias',
      'tracegate.retry.reason',
      'tracegate.retry.wait_ms',
      'http.route',
    ]) {
      expect(keys, k).toContain(k);
    }
    const transitions = collected.scopeMetrics.flatMap((x) => x.metrics).find((m) => m.descriptor.name === 'tracegate.breaker.transitions');
    // The 429 (retry-after 5 ms) opens flaky's breaker only until then: half-open, the retry's probe closes it;
    // then the 503s open it for the cooldown.
    expect(transitions?.dataPoints.map((p) => p.attributes)).toEqual([
      { 'tracegate.breaker.state': 'open', 'tracegate.deployment.id': 'flaky#0' },
      { 'tracegate.breaker.state': 'half_open', 'tracegate.deployment.id': 'flaky#0' },
      { 'tracegate.breaker.state': 'closed', 'tracegate.deployment.id': 'flaky#0' },
    ]);
    expect(transitions?.dataPoints[0]!.value).toBe(2);
    const eventNames = new Set(spans.flatMap((s) => s.events.map((e) => e.name)));
    for (const kind of ['route', 'retry', 'fallback', 'breaker', 'budget', 'cache', 'guardrail', 'mirror', 'context_window', 'eval_routing']) {
      expect(eventNames, kind).toContain(`tracegate.${kind}`);
    }
  });

  it('GenAI names are the OpenTelemetry semantic-conventions names', () => {
    const official = new Set((Object.values(incubating) as unknown[]).filter((v): v is string => typeof v === 'string'));
    const ours = semconvEntries().filter((e) => e.standard === 'gen_ai' && e.kind !== 'span');
    expect(ours.length).toBeGreaterThan(30);
    for (const e of ours) expect(official.has(e.name), e.name).toBe(true);
  });

  it('names are unique per kind and every entry says what it is', () => {
    for (const e of semconvEntries()) {
      expect(e.description.length, e.name).toBeGreaterThan(3);
      if (e.kind === 'attribute') expect(e.type, e.name).toBeDefined();
      if (e.kind === 'metric') expect(e.unit, e.name).toBeDefined();
    }
  });
});
