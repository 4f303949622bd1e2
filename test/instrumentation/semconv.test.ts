/**
 * `tracegate/semconv` is the single list of names: the generated doc matches it, every name the
 * instrumentation emits is declared in it, and the GenAI names are the ones the OpenTelemetry
 * semantic-conventions package defines.
 */
import { readFileSync } from 'node:fs';
import dc from 'node:diagnostics_channel';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router, type AttemptEvent, type DecisionEvent } from '../../src/index.js';
import { PACKAGE_VERSION } from '../../instrumentations/index.js';
import { semconvEntries } from '../../semconv/index.js';
import { semconvMarkdown } from '../../semconv/markdown.js';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { FAKE_KEY, setupTracing } from './harness.js';

const h = setupTracing({ captureContent: true });
let fake: FakeOpenAI;
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

beforeAll(async () => {
  fake = await startFakeOpenAI();
  router = new Router({
    models: [
      { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: fake.baseURL },
      { name: 'unpriced', provider: 'openai-compatible', model: 'local-model', baseURL: fake.baseURL },
      { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: FAKE_KEY, baseURL: fake.baseURL },
    ],
  });
  // Publish one decision of each kind during a call (the router publishes them the same way).
  const onAttempt = (message: unknown): void => {
    const attempt = message as AttemptEvent;
    for (const kind of ['retry', 'breaker', 'budget', 'guardrail'] as const) {
      const d: DecisionEvent = { call: attempt.call, attempt, kind, action: 'open', detail: { reason: 'test', limit_usd: 1 } };
      dc.channel('tracegate:decision').publish(d);
    }
  };
  dc.channel('tracing:tracegate:attempt:start').subscribe(onAttempt);
  try {
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
      { metadata: { user: 'u1' }, tags: ['t'], shadow: true },
    );
  } finally {
    dc.channel('tracing:tracegate:attempt:start').unsubscribe(onAttempt);
  }
  fake.script.push({ toolCalls: [{ name: 'f', arguments: '{}' }], usage: { prompt_tokens: 10, completion_tokens: 4, cached_tokens: 2, reasoning_tokens: 1 } });
  const stream = await router.chat.completions.create({
    model: 'unpriced',
    messages: [{ role: 'user', content: 'Hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream) void _;
  await router.embeddings.create({ model: 'embed', input: ['a', 'b'], encoding_format: 'float' });
  fake.script.push({ status: 503 });
  await router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] }).catch(() => undefined);
  await router.chat.completions.create(
    { model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] },
    { server: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', method: 'POST', route: '/v1/chat/completions' } },
  );
});
afterAll(async () => {
  await router.close();
  await fake.close();
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
      'http.route',
    ]) {
      expect(keys, k).toContain(k);
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
