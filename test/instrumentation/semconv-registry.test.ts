/**
 * Every `gen_ai.*` and `openai.*` name tracegate emits — span attributes, span events and their
 * attributes, metric names, units and data-point attributes, log-based events — checked against a
 * vendored copy of the OpenTelemetry semantic conventions v1.41.0 registry YAML
 * (test/fixtures/semconv-v1.41/, not against tracegate's own semconv/): the name exists, the value
 * has the registry's type, an enum value is one of its members. The run goes over every provider
 * family of the mock server (OpenAI, Azure OpenAI, Anthropic, Gemini, Bedrock, OpenAI-compatible
 * presets), chat unary and streamed with tools and a system message, embeddings, a failed attempt
 * and an evaluation, with content capture on so the opt-in attributes are there too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { semconvEntries } from '../../semconv/index.js';
import { recordEvaluation } from '../../src/evals/index.js';
import { ROOT } from '../helpers/build.js';
import { FAKE_KEY, setupTracing, useMockRouter } from './harness.js';

// ---- the vendored registry ----------------------------------------------------------------------

type RegistryType = string | { members: { id: string; value: string | number }[] };
interface RegistryAttribute {
  id: string;
  type: RegistryType;
}
interface Group {
  id: string;
  type?: string;
  name?: string;
  metric_name?: string;
  instrument?: string;
  unit?: string;
  attributes?: (RegistryAttribute & { ref?: string })[];
}

const DIR = join(ROOT, 'test/fixtures/semconv-v1.41');
const groups: Group[] = ['gen-ai-registry.yaml', 'gen-ai-metrics.yaml', 'gen-ai-events.yaml', 'openai-registry.yaml'].flatMap(
  (f) => (parse(readFileSync(join(DIR, f), 'utf8')) as { groups: Group[] }).groups,
);
const ATTRIBUTES = new Map<string, RegistryType>();
for (const g of groups) if (g.id.startsWith('registry.')) for (const a of g.attributes ?? []) if (a.id) ATTRIBUTES.set(a.id, a.type);
const METRICS = new Map(groups.filter((g) => g.type === 'metric').map((g) => [g.metric_name!, g]));
const EVENTS = new Set(groups.filter((g) => g.type === 'event').map((g) => g.name!));

/**
 * `gen_ai.provider.name` is an open enum ("if none of the above, a custom value"): providers the
 * registry has no member for use their own value. These are the only custom values allowed.
 */
const CUSTOM_PROVIDER_NAMES = new Set(['together_ai', 'vllm', 'ollama', 'openrouter', 'fireworks_ai', 'deepinfra', 'cerebras', 'nvidia_nim', 'lm_studio', 'huggingface']);

const CHECKED = /^(gen_ai|openai)\./;

/** Problems of one emitted attribute against the registry ([] when it conforms). */
function check(where: string, key: string, value: AttributeValue | undefined): string[] {
  if (!CHECKED.test(key)) return [];
  const type = ATTRIBUTES.get(key);
  if (type === undefined) return [`${where}: ${key} is not in the v1.41 registry`];
  const bad = (what: string) => [`${where}: ${key}=${JSON.stringify(value)} is not ${what}`];
  if (typeof type === 'object') {
    if (typeof value !== 'string') return bad('a string (enum)');
    if (type.members.some((m) => m.value === value)) return [];
    if (key === 'gen_ai.provider.name' && CUSTOM_PROVIDER_NAMES.has(value)) return [];
    return bad(`a member of ${type.members.map((m) => m.value).join('|')}`);
  }
  switch (type) {
    case 'string':
      return typeof value === 'string' ? [] : bad('a string');
    case 'int':
      return Number.isInteger(value) ? [] : bad('an int');
    case 'double':
      return typeof value === 'number' ? [] : bad('a double');
    case 'boolean':
      return typeof value === 'boolean' ? [] : bad('a boolean');
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? [] : bad('a string[]');
    case 'any':
      // Structured values (messages, instructions, tool definitions) go on spans as JSON text.
      if (typeof value !== 'string') return bad('JSON text');
      try {
        JSON.parse(value);
        return [];
      } catch {
        return bad('JSON text');
      }
    default:
      return [`${where}: ${key} has registry type ${type}, not checked here`];
  }
}

function checkAll(where: string, attrs: Attributes | undefined): string[] {
  return Object.entries(attrs ?? {}).flatMap(([k, v]) => check(where, k, v));
}

// ---- the run ---------------------------------------------------------------------------------------

const h = setupTracing({ captureContent: true });
const logExporter = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
h.instrumentation.setLoggerProvider(loggerProvider);
afterAll(() => loggerProvider.shutdown());

const AWS = { region: 'us-east-1', accessKeyId: 'AKIDEXAMPLEFAKE', secretAccessKey: 'fake-secret-for-tests-only' };
const t = useMockRouter(h, {
  resetEach: false,
  models: (base, mock) => [
    { name: 'openai', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base },
    { name: 'azure', provider: 'azure', model: 'gpt-4.1-nano', deployment: 'nano-prod', apiKey: FAKE_KEY, baseURL: mock.baseURL('azure') },
    { name: 'anthropic', provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: FAKE_KEY, baseURL: mock.baseURL('anthropic') },
    { name: 'gemini', provider: 'gemini', model: 'gemini-2.5-flash', apiKey: FAKE_KEY, baseURL: mock.baseURL('gemini') },
    { name: 'bedrock', provider: 'bedrock', model: 'anthropic.claude-3-haiku-20240307-v1:0', baseURL: mock.baseURL('bedrock'), ...AWS },
    { name: 'groq', provider: 'groq', model: 'llama-3.3-70b-versatile', apiKey: FAKE_KEY, baseURL: base },
    { name: 'mistral', provider: 'mistral', model: 'mistral-small-latest', apiKey: FAKE_KEY, baseURL: base },
    { name: 'deepseek', provider: 'deepseek', model: 'deepseek-chat', apiKey: FAKE_KEY, baseURL: base },
    { name: 'together', provider: 'together', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', apiKey: FAKE_KEY, baseURL: base },
    { name: 'openai-embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: FAKE_KEY, baseURL: base },
    { name: 'gemini-embed', provider: 'gemini', model: 'text-embedding-004', apiKey: FAKE_KEY, baseURL: mock.baseURL('gemini') },
    { name: 'titan-embed', provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0', baseURL: mock.baseURL('bedrock'), ...AWS },
  ],
  router: { retry: { maxAttempts: 1 } },
});

const CHAT = ['openai', 'azure', 'anthropic', 'gemini', 'bedrock', 'groq', 'mistral', 'deepseek', 'together'];
const TOOLS = [{ type: 'function' as const, function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { id: { type: 'string' } } } } }];
const MESSAGES = [
  { role: 'system' as const, content: 'You are a support agent.' },
  { role: 'user' as const, content: 'Where is order A-1?' },
];

let metrics: ResourceMetrics;

beforeAll(async () => {
  for (const model of CHAT) {
    await t.router.chat.completions.create({ model, messages: MESSAGES, tools: TOOLS, temperature: 0.2, max_tokens: 64 });
    const stream = await t.router.chat.completions.create({ model, messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) void chunk;
  }
  t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { toolCalls: [{ name: 'lookup_order', arguments: { id: 'A-1' } }] } });
  const answer = await t.router.chat.completions.create({ model: 'openai', messages: MESSAGES, tools: TOOLS });
  recordEvaluation(answer, { name: 'tool_selection', score: 1, label: 'pass', passed: true, threshold: 0.5 });
  t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'server_error' });
  await expect(t.router.chat.completions.create({ model: 'openai', messages: MESSAGES })).rejects.toThrow();
  for (const model of ['openai-embed', 'gemini-embed']) await t.router.embeddings.create({ model, input: ['hello', 'world'] });
  await t.router.embeddings.create({ model: 'titan-embed', input: 'hello' }); // Titan: one text per call
  metrics = await h.metrics();
}, 60_000);

describe('emitted names against the vendored v1.41 registry', () => {
  it('the run covered every provider family, both operations, streams, a failure and an evaluation', () => {
    const attempts = h.spans().filter((s) => s.attributes['tracegate.attempt.id'] !== undefined);
    const providers = new Set(attempts.map((s) => s.attributes['gen_ai.provider.name']));
    expect([...providers].sort()).toEqual(['anthropic', 'aws.bedrock', 'azure.ai.openai', 'deepseek', 'gcp.gemini', 'groq', 'mistral_ai', 'openai', 'together_ai']);
    expect(new Set(attempts.map((s) => s.attributes['gen_ai.operation.name']))).toEqual(new Set(['chat', 'embeddings']));
    expect(attempts.some((s) => s.attributes['gen_ai.request.stream'] === true)).toBe(true);
    expect(attempts.some((s) => s.attributes['gen_ai.system_instructions'] !== undefined)).toBe(true);
    expect(h.spans().some((s) => s.events.some((e) => e.name === 'gen_ai.evaluation.result'))).toBe(true);
    expect(logExporter.getFinishedLogRecords().map((r) => r.eventName)).toEqual(expect.arrayContaining(['gen_ai.client.operation.exception', 'gen_ai.evaluation.result']));
  });

  it('span attributes and span events', () => {
    const problems = h.spans().flatMap((s) => [
      ...checkAll(`span "${s.name}"`, s.attributes),
      ...s.events.flatMap((e) => [...(CHECKED.test(e.name) && !EVENTS.has(e.name) ? [`event ${e.name} is not in the registry`] : []), ...checkAll(`event ${e.name}`, e.attributes)]),
    ]);
    expect(problems).toEqual([]);
    const seen = new Set(h.spans().flatMap((s) => [...Object.keys(s.attributes), ...s.events.flatMap((e) => Object.keys(e.attributes ?? {}))]).filter((k) => CHECKED.test(k)));
    // The checked names include the opt-in, enum, array and provider-specific ones.
    for (const k of [
      'gen_ai.operation.name',
      'gen_ai.provider.name',
      'gen_ai.request.temperature',
      'gen_ai.request.max_tokens',
      'gen_ai.request.stream',
      'gen_ai.response.finish_reasons',
      'gen_ai.usage.input_tokens',
      'gen_ai.input.messages',
      'gen_ai.output.messages',
      'gen_ai.system_instructions',
      'gen_ai.embeddings.dimension.count',
      'gen_ai.evaluation.score.value',
      'gen_ai.response.time_to_first_chunk',
      'openai.response.system_fingerprint',
    ])
      expect(seen, k).toContain(k);
  });

  it('log-based events', () => {
    const records = logExporter.getFinishedLogRecords();
    const problems = records.flatMap((r) => [
      ...(r.eventName && CHECKED.test(r.eventName) && !EVENTS.has(r.eventName) ? [`log event ${r.eventName} is not in the registry`] : []),
      ...checkAll(`log ${r.eventName}`, r.attributes as Attributes),
    ]);
    expect(problems).toEqual([]);
    const exception = records.find((r) => r.eventName === 'gen_ai.client.operation.exception')!;
    expect(exception.severityNumber).toBe(13);
    expect(Object.keys(exception.attributes).sort()).toEqual(['exception.message', 'exception.type']);
  });

  it('metrics: names, instruments, units and data-point attributes', () => {
    const all = metrics.scopeMetrics.flatMap((s) => s.metrics);
    const genAi = all.filter((m) => CHECKED.test(m.descriptor.name));
    expect(genAi.map((m) => m.descriptor.name).sort()).toEqual([
      'gen_ai.client.operation.duration',
      'gen_ai.client.operation.time_per_output_chunk',
      'gen_ai.client.operation.time_to_first_chunk',
      'gen_ai.client.token.usage',
    ]);
    const problems: string[] = [];
    for (const m of all) {
      const def = METRICS.get(m.descriptor.name);
      if (CHECKED.test(m.descriptor.name)) {
        if (!def) problems.push(`metric ${m.descriptor.name} is not in the registry`);
        else {
          if (def.unit !== m.descriptor.unit) problems.push(`metric ${m.descriptor.name}: unit ${m.descriptor.unit}, registry ${def.unit}`);
          if (def.instrument === 'histogram' && m.dataPointType !== DataPointType.HISTOGRAM) problems.push(`metric ${m.descriptor.name}: not a histogram`);
        }
      }
      for (const p of m.dataPoints) problems.push(...checkAll(`metric ${m.descriptor.name}`, p.attributes));
    }
    expect(problems).toEqual([]);
  });

  it('every GenAI name declared in semconv/ is in the registry with a compatible type', () => {
    const problems: string[] = [];
    for (const e of semconvEntries()) {
      if (e.standard !== 'gen_ai' || e.template) continue;
      if (e.kind === 'attribute') {
        const type = ATTRIBUTES.get(e.name);
        if (type === undefined) problems.push(`${e.name} is not in the registry`);
        else {
          const want = typeof type === 'object' ? 'string' : type === 'any' ? 'string' : type;
          if (want !== e.type) problems.push(`${e.name}: declared ${e.type}, registry ${typeof type === 'object' ? 'enum' : type}`);
        }
      } else if (e.kind === 'metric') {
        const def = METRICS.get(e.name);
        if (!def) problems.push(`metric ${e.name} is not in the registry`);
        else if (def.unit !== e.unit || def.instrument !== e.instrument) problems.push(`metric ${e.name}: ${e.instrument} ${e.unit}, registry ${def.instrument} ${def.unit}`);
      } else if (e.kind === 'event' && !EVENTS.has(e.name)) problems.push(`event ${e.name} is not in the registry`);
    }
    expect(problems).toEqual([]);
  });

  it('the checker itself rejects a wrong name, type and enum value', () => {
    expect(check('x', 'gen_ai.usage.prompt_tokens', 1)).toHaveLength(1); // deprecated, not in the registry
    expect(check('x', 'gen_ai.usage.input_tokens', 1.5)).toHaveLength(1);
    expect(check('x', 'gen_ai.operation.name', 'completion')).toHaveLength(1);
    expect(check('x', 'gen_ai.provider.name', 'my-llm')).toHaveLength(1);
    expect(check('x', 'gen_ai.input.messages', '{not json')).toHaveLength(1);
    expect(check('x', 'gen_ai.operation.name', 'chat')).toEqual([]);
    expect(check('x', 'tracegate.route', 1)).toEqual([]);
  });
});
