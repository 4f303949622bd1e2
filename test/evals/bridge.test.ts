/**
 * The evaluation bridge with in-memory exporters: an evaluation made while the answer's span is
 * open (a post-call guardrail, an evaluation during a stream) is a `gen_ai.evaluation.result`
 * event on the attempt span; a late one is an `evaluation {name}` child span in the same trace with
 * exactly one link to the answer's span; unsampled traces follow the `unsampled` switch;
 * explanations follow content capture; the log-based event goes to the logger provider.
 */
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openSpanCount } from '../../instrumentations/index.js';
import { getCallInfo, type ChatCompletion } from '../../src/index.js';
import { JsonSchemaValidation, evaluatorGuardrail, recordEvaluation, type EvaluationResult } from '../../src/evals/index.js';
import { FAKE_KEY, normalize, setupTracing, useMockRouter } from '../instrumentation/harness.js';

const h = setupTracing({ captureContent: true });
const logExporter = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
h.instrumentation.setLoggerProvider(loggerProvider);
afterAll(() => loggerProvider.shutdown());

const schema = { type: 'object', required: ['order_id', 'status'], properties: { order_id: { type: 'string' }, status: { enum: ['shipped', 'pending'] } } };
const json = JsonSchemaValidation({ schema });

const t = useMockRouter(h, {
  models: (base) => [
    { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base },
    { name: 'guarded', provider: 'openai', model: 'gpt-4o-mini', id: 'guarded#0', apiKey: FAKE_KEY, baseURL: base },
  ],
});

beforeEach(() => {
  logExporter.reset();
  h.instrumentation.setConfig({ captureContent: true });
});

const ask = (content = 'Where is order 42?') => ({ model: 'support-fast', messages: [{ role: 'user' as const, content }] });
const VALID = '{"order_id":"42","status":"shipped"}';
const INVALID = '{"order_id":42}';

function byName(name: string): ReadableSpan[] {
  return h.spans().filter((s) => s.name === name);
}

function evalEvents(span: ReadableSpan) {
  return span.events.filter((e) => e.name === 'gen_ai.evaluation.result').map((e) => normalize(e.attributes ?? {}));
}

describe('evaluation bridge', () => {
  it('a post-call guardrail records its result as an event on the open attempt span', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: INVALID } });
    const answer = await t.router.chat.completions.create(
      { model: 'guarded', messages: [{ role: 'user', content: 'Order 42 as JSON' }] },
      { hooks: { postCall: [evaluatorGuardrail(json, { mode: 'flag' })] } },
    );
    const info = getCallInfo(answer)!;
    expect(info.guardrails!.map((g) => `${g.hook}:${g.action}`)).toEqual(['eval:json_schema:flag']);
    const attempt = h.spans().find((s) => s.spanContext().spanId === info.trace!.attemptSpanId)!;
    expect(attempt.name).toBe('chat gpt-4o-mini');
    expect(evalEvents(attempt)).toMatchSnapshot();
    // the router's own guardrail decision is on the call span, with a reason free of user data
    const call = h.spans().find((s) => s.spanContext().spanId === info.trace!.spanId)!;
    const decision = call.events.find((e) => e.name === 'tracegate.guardrail')!;
    expect(decision.attributes!['tracegate.guardrail.reason']).toBe('json_schema invalid: score 0.000 fails threshold 1');
    expect(byName('evaluation json_schema')).toHaveLength(0);
    expect(openSpanCount()).toBe(0);
    // the log-based event, in the answer's span context
    const logs = logExporter.getFinishedLogRecords();
    expect(logs).toHaveLength(1);
    expect(logs[0]!.eventName).toBe('gen_ai.evaluation.result');
    expect(logs[0]!.spanContext?.spanId).toBe(info.trace!.attemptSpanId);
    expect(logs[0]!.attributes['gen_ai.evaluation.score.label']).toBe('invalid');
  });

  it('an evaluation during a stream is an event on the streaming attempt span', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: VALID }, stream: { chunks: 4 } });
    const stream = await t.router.chat.completions.create({ ...ask(), stream: true });
    let text = '';
    let outcome: string | undefined;
    let i = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (++i === 2) {
        // inline check on the partial answer while the attempt span is open
        const partial = await json.evaluate({ response: text });
        outcome = recordEvaluation(stream, partial);
      }
    }
    expect(outcome).toBe('event');
    const info = getCallInfo(stream)!;
    const attempt = h.spans().find((s) => s.spanContext().spanId === info.trace!.attemptSpanId)!;
    const events = evalEvents(attempt);
    expect(events).toHaveLength(1);
    expect(events[0]!['gen_ai.evaluation.score.label']).toBe('invalid');
    // and after the stream ended, the whole answer passes: a late span
    const final = await json.evaluate({ response: stream });
    expect(final.passed).toBe(true);
    expect(recordEvaluation(stream, final)).toBe('span');
  });

  it('a late evaluation is a child span of the answer in the same trace with exactly one link to it', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: VALID } });
    const answer: ChatCompletion = await t.router.chat.completions.create(ask());
    const result = await json.evaluate({ response: answer });
    // the result carries the answer's trace coordinates and route: one line joins them
    expect([result.target?.traceId, result.route?.provider, result.route?.alias, result.score]).toEqual([getCallInfo(answer)!.trace!.traceId, 'openai', 'support-fast', 1]);
    expect(recordEvaluation(answer, result)).toBe('span');
    const [span] = byName('evaluation json_schema');
    expect(span).toBeDefined();
    const target = getCallInfo(answer)!.trace!;
    expect(span!.spanContext().traceId).toBe(target.traceId);
    expect(span!.parentSpanContext?.spanId).toBe(target.attemptSpanId);
    expect(span!.links).toHaveLength(1);
    expect(span!.links[0]!.context.traceId).toBe(target.traceId);
    expect(span!.links[0]!.context.spanId).toBe(target.attemptSpanId);
    expect(normalize(span!.attributes)).toMatchSnapshot();
    expect(evalEvents(span!)).toMatchSnapshot();
    expect(logExporter.getFinishedLogRecords()[0]!.spanContext?.spanId).toBe(target.attemptSpanId);
  });

  it('a traceparent, a trace target or a span context work as targets', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: VALID } });
    const answer = await t.router.chat.completions.create(ask());
    const target = getCallInfo(answer)!.trace!;
    const result = await json.evaluate({ response: VALID });
    expect(result.target).toBeUndefined();
    expect(recordEvaluation(target.traceparent, result)).toBe('span');
    expect(recordEvaluation(target, result)).toBe('span');
    expect(recordEvaluation({ traceId: target.traceId, spanId: target.spanId, traceFlags: 1 }, result)).toBe('span');
    const spans = byName('evaluation json_schema');
    expect(spans.map((s) => s.parentSpanContext?.spanId)).toEqual([target.attemptSpanId, target.attemptSpanId, target.spanId]);
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([target.traceId]));
    // without a target there is nothing to attach to
    expect(recordEvaluation(undefined, result)).toBe('not_traced');
    expect(() => recordEvaluation('00-nothex-1-01', result)).toThrow(/invalid traceparent/);
  });

  it('unsampled answers: skipped by default, or a new linked trace', async () => {
    const result = await json.evaluate({ response: VALID });
    const unsampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    expect(recordEvaluation(unsampled, result)).toBe('skipped');
    expect(byName('evaluation json_schema')).toHaveLength(0);
    expect(logExporter.getFinishedLogRecords()).toHaveLength(0);
    h.instrumentation.setConfig({ captureContent: true, evaluations: { unsampled: 'new_trace' } });
    expect(recordEvaluation(unsampled, result)).toBe('new_trace');
    const [span] = byName('evaluation json_schema');
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.spanContext().traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span!.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331']]);
  });

  it('explanations are recorded only with content capture, through the redaction hook', async () => {
    const failed: EvaluationResult = await json.evaluate({ response: INVALID });
    expect(failed.explanation).toMatch(/order_id: must be string/);
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    h.instrumentation.setConfig({ captureContent: false });
    recordEvaluation(tp, failed);
    h.instrumentation.setConfig({ captureContent: true, redact: (text, kind) => (kind === 'evaluation' ? text.replace(/order_id/g, '[field]') : text) });
    recordEvaluation(tp, failed);
    const [off, on] = byName('evaluation json_schema');
    const keys = (s: ReadableSpan) => Object.keys(s.attributes).filter((k) => k.includes('explanation'));
    expect(keys(off!)).toEqual([]);
    expect(Object.keys(off!.events[0]!.attributes!).filter((k) => k.includes('explanation'))).toEqual([]);
    expect(keys(on!).sort()).toEqual(['evaluations.0.evaluation.explanation', 'gen_ai.evaluation.explanation']);
    expect(on!.attributes['gen_ai.evaluation.explanation']).toBe('2 schema errors: /: must have required property \'status\'; /[field]: must be string');
  });

  it('with the instrumentation disabled nothing is recorded and nothing fails', async () => {
    h.instrumentation.disable();
    try {
      t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { text: VALID } });
      const answer = await t.router.chat.completions.create(ask());
      const result = await json.evaluate({ response: answer });
      expect(result.target).toBeUndefined();
      expect(result.route?.deployment).toBe('support-fast#0');
      expect(recordEvaluation(answer, result)).toBe('not_traced');
      expect(recordEvaluation('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', result)).toBe('not_traced');
      expect(h.spans()).toHaveLength(0);
    } finally {
      h.instrumentation.enable();
    }
  });
});
