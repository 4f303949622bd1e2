/**
 * The scripted scenario with known truth (see scenario.test.ts for the figures it must give): the
 * real Router and instrumentation against `tracegate mock`, spans in an OTLP/JSON lines file,
 * evaluations as events, evaluation spans (from `recordEvaluation` and made by hand) and an
 * evaluations file.
 *
 *   A  6 × support-fast, answered at once                          (inside an app span)
 *   B  2 × support-fast, 429 then answered on a retry               (inside an app span)
 *   C  1 × support-fast, 503, 503 → fallback → support-accurate answers
 *   D  1 × support-fast, answered, then blocked by a post-call guardrail (paid, not successful)
 *   E  3 × support-accurate, streamed, answered
 *   F  1 × support-accurate, 400 → error
 * Prices: fast $2/$10 per 1M tokens, accurate $3/$15; every answer is 100 prompt + 20 completion
 * tokens: a fast answer costs $0.0004, an accurate one $0.0006.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { recordEvaluation } from '../../../src/evals/index.js';
import { GuardrailError, Router, getCallInfo, type TraceTarget } from '../../../src/index.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import type { RouterOptions } from '../../../src/router/config.js';
import { addEvalEvent, recordEvalSpan, startFileTracing } from './tracing.js';

export const FAST = 0.0004;
export const ACCURATE = 0.0006;
const KEY = 'sk-report-test-0123456789';

export interface ScenarioFiles {
  tracesFile: string;
  evalsFile: string;
  targets: Record<'A' | 'B' | 'C' | 'E', TraceTarget[]>;
}

/**
 * The fake providers (every answer 100 prompt + 20 completion tokens) and the scenario's Router:
 * support-fast (OpenAI, $2/$10 per 1M) falling back to support-accurate (Anthropic, $3/$15), one
 * retry on a 5xx, no breaker.
 */
export async function startScenarioRouter(extra: Partial<RouterOptions> = {}): Promise<{ mock: MockServer; router: Router }> {
  const mock = await startMockServer({ scenario: { defaults: { reply: { text: '{"answer":"Friday"}', usage: { prompt_tokens: 100, completion_tokens: 20 } } } } });
  const router = new Router({
    models: [
      { id: 'fast-openai', name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: KEY, baseURL: mock.baseURL('openai'), price: { input: 2, output: 10 } },
      { id: 'accurate-anthropic', name: 'support-accurate', provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: KEY, baseURL: mock.baseURL('anthropic'), price: { input: 3, output: 15 } },
    ],
    retry: { initialBackoffMs: 1, maxBackoffMs: 2, perClass: { upstream_unavailable: 1 } },
    fallbacks: { 'support-fast': ['support-accurate'] },
    breaker: { enabled: false },
    random: () => 0.5,
    ...extra,
  });
  return { mock, router };
}

export async function runScriptedScenario(dir: string): Promise<ScenarioFiles> {
  const tracesFile = join(dir, 'traces.jsonl');
  const evalsFile = join(dir, 'evals.jsonl');
  const targets: ScenarioFiles['targets'] = { A: [], B: [], C: [], E: [] };
  const tracing = startFileTracing(tracesFile);
  const { mock, router } = await startScenarioRouter({
    hooks: { postCall: [{ name: 'policy', check: (ctx) => (ctx.metadata.block === 'yes' ? { action: 'block', reason: 'policy' } : { action: 'pass' }) }] },
  });
  const ask = (alias: string, options: Parameters<Router['chat']['completions']['create']>[1] = {}) =>
    router.chat.completions.create({ model: alias, messages: [{ role: 'user', content: 'Where is my order?' }] }, options);
  const app = tracing.tracer;
  const inTicket = <T>(fn: () => Promise<T>): Promise<T> =>
    app.startActiveSpan('ticket', async (span) => {
      try {
        return await fn();
      } finally {
        span.end();
      }
    });
  try {
    for (let i = 0; i < 6; i++) targets.A.push(getCallInfo(await inTicket(() => ask('support-fast')))!.trace!);
    for (let i = 0; i < 2; i++) {
      mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'rate_limit', retryAfterMs: 1 });
      targets.B.push(getCallInfo(await inTicket(() => ask('support-fast')))!.trace!);
    }
    mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 });
    const c = await ask('support-fast');
    expect(getCallInfo(c)!.outcome).toBe('fallback_success');
    targets.C.push(getCallInfo(c)!.trace!);
    await expect(ask('support-fast', { metadata: { block: 'yes' } })).rejects.toBeInstanceOf(GuardrailError);
    for (let i = 0; i < 3; i++) {
      const stream = await router.chat.completions.create({
        model: 'support-accurate',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Where is my order?' }],
      });
      const t = getCallInfo(stream)!.trace!;
      // Inline evaluations: an event on the answer's attempt span while the stream is still open —
      // by hand without a verdict (0.4 < threshold: failed), and through tracegate/evals' bridge.
      if (i === 0) addEvalEvent(t.attemptSpanId!, { name: 'groundedness', score: 0.4, threshold: 0.7 });
      else expect(recordEvaluation(stream, { name: 'groundedness', score: 0.9, threshold: 0.7, label: 'grounded', passed: true })).toBe('event');
      for await (const _ of stream) void _;
      targets.E.push(t);
    }
    mock.enqueue({ model: 'claude-haiku-4-5' }, { kind: 'bad_request' });
    await expect(ask('support-accurate')).rejects.toMatchObject({ errorClass: 'bad_request' });

    // Late evaluations as spans: json_validity on the A answers, 2 of 6 fail; half through
    // tracegate/evals' bridge, half by hand with the OpenTelemetry API (as another tool would).
    targets.A.forEach((t, i) => {
      const result = { name: 'json_validity', score: i < 2 ? 0 : 1, label: i < 2 ? 'invalid' : 'valid', passed: i >= 2, threshold: 1 };
      if (i % 2 === 0) expect(recordEvaluation(t, result)).toBe('span');
      else recordEvalSpan(app, t, result);
    });
  } finally {
    await tracing.shutdown();
    await router.close();
    await mock.close();
  }
  // An evaluations file: B answers pass (by answer span), C fails (trace id only → the trace's
  // answer), and one line about a trace that is not in the file.
  const lines = [
    ...targets.B.map((t) => ({ traceId: t.traceId, spanId: t.attemptSpanId, name: 'json_validity', score: 1, passed: true, threshold: 1 })),
    { traceId: targets.C[0]!.traceId, name: 'json_validity', score: 0, label: 'fail', passed: false },
    { traceId: 'f'.repeat(32), spanId: '1'.repeat(16), name: 'json_validity', score: 1, passed: true },
  ];
  writeFileSync(evalsFile, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return { tracesFile, evalsFile, targets };
}
