/**
 * Agent traces with known truth (see agent-traces.test.ts for the figures they must give): the
 * real Router and instrumentation against `tracegate mock`, several routed calls per application
 * trace (`task` root span, one `step` span per call), spans in an OTLP/JSON lines file written as
 * they end. Tasks run one after another, 25 ms apart, so with a tiny idle gap every task closes
 * before the next one's spans arrive and the evaluations recorded at the very end are late.
 *
 *   T1  3 × support-fast                                                   success   3F
 *   T2  support-fast 429 → retry answers; support-fast; support-accurate;
 *       support-fast                                                       success   3F + A   (late eval: fails)
 *   T3  support-fast 503, 503 → fallback → support-accurate answers;
 *       support-fast                                                       success   A + F    (late eval: passes)
 *   T4  support-fast; support-accurate 400, the app gives up               failed    F
 *   T5  one step: support-accurate 400, the app catches it and asks
 *       support-fast in the same step                                      success   F        (handled)
 *   T6  the root is a remote caller's (not in the file); the task span
 *       (the stand-in root) ends with an error; support-fast               failed    F        (partial)
 *
 * F = $0.0004 (support-fast: 100 + 20 tokens at $2/$10 per 1M), A = $0.0006 (support-accurate:
 * 100 + 20 tokens at $3/$15 per 1M); failed attempts carry no usage, so they cost $0.
 * Evaluations: T1's last answer right after the call (in the trace, passes); T2's and T3's answers
 * at the end of the run (late); an evaluations file line for T1 by trace id only (passes).
 */
import { context, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { recordEvaluation } from '../../../src/evals/index.js';
import { getCallInfo, type TraceTarget } from '../../../src/index.js';
import { startScenarioRouter } from './scenario.js';
import { startFileTracing } from './tracing.js';

export const F = 0.0004;
export const A = 0.0006;

export type TaskName = 'T1' | 'T2' | 'T3' | 'T4' | 'T5' | 'T6';

export interface AgentScenarioFiles {
  tracesFile: string;
  evalsFile: string;
  traceIds: Record<TaskName, string>;
}

export async function runAgentScenario(dir: string): Promise<AgentScenarioFiles> {
  const tracesFile = join(dir, 'agent-traces.jsonl');
  const evalsFile = join(dir, 'agent-evals.jsonl');
  const traceIds = {} as Record<TaskName, string>;
  const answers = {} as Partial<Record<TaskName, TraceTarget>>;
  const tracing = startFileTracing(tracesFile);
  const { mock, router } = await startScenarioRouter();
  const app = tracing.tracer;
  const ask = async (alias: string): Promise<TraceTarget> => {
    const c = await router.chat.completions.create({ model: alias, messages: [{ role: 'user', content: 'Where is my order?' }] });
    return getCallInfo(c)!.trace!;
  };
  /** One agent step: a `step` span around the call(s). */
  const step = <T>(name: string, fn: () => Promise<T>): Promise<T> =>
    app.startActiveSpan(`step ${name}`, async (span) => {
      try {
        return await fn();
      } finally {
        span.end();
      }
    });
  /** One task: the `task` root span; `error` ends it with an error status. */
  const task = async (name: TaskName, fn: () => Promise<void>, options: { error?: boolean; remoteParent?: boolean } = {}): Promise<void> => {
    const parent = options.remoteParent
      ? trace.setSpanContext(context.active(), { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true })
      : context.active();
    await app.startActiveSpan(`task ${name}`, {}, parent, async (span) => {
      traceIds[name] = span.spanContext().traceId;
      try {
        await fn();
      } catch {
        // The agent gives up on the task: the failed call stays unhandled.
      } finally {
        if (options.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
        span.end();
      }
    });
    await sleep(25);
  };
  try {
    await task('T1', async () => {
      await step('plan', () => ask('support-fast'));
      await step('act', () => ask('support-fast'));
      const t = await step('answer', () => ask('support-fast'));
      expect(recordEvaluation(t, { name: 'json_validity', score: 1, label: 'valid', passed: true, threshold: 1 })).toBe('span');
    });
    await task('T2', async () => {
      mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'rate_limit', retryAfterMs: 1 });
      await step('plan', () => ask('support-fast'));
      await step('retrieve', () => ask('support-fast'));
      await step('reason', () => ask('support-accurate'));
      answers.T2 = await step('answer', () => ask('support-fast'));
    });
    await task('T3', async () => {
      mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 });
      await step('plan', () => ask('support-fast'));
      answers.T3 = await step('answer', () => ask('support-fast'));
    });
    await task('T4', async () => {
      await step('plan', () => ask('support-fast'));
      mock.enqueue({ model: 'claude-haiku-4-5' }, { kind: 'bad_request' });
      await step('answer', () => ask('support-accurate'));
    });
    await task('T5', async () => {
      mock.enqueue({ model: 'claude-haiku-4-5' }, { kind: 'bad_request' });
      await step('answer', async () => {
        try {
          return await ask('support-accurate');
        } catch {
          return ask('support-fast'); // handled: the same step asks again elsewhere
        }
      });
    });
    // No step span: the call's parent is the task span, which stands in for the missing root.
    await task('T6', async () => void (await ask('support-fast')), { error: true, remoteParent: true });
    // Late evaluations, long after their tasks ended.
    recordEvaluation(answers.T2!, { name: 'json_validity', score: 0, label: 'invalid', passed: false, threshold: 1 });
    recordEvaluation(answers.T3!, { name: 'json_validity', score: 1, label: 'valid', passed: true, threshold: 1 });
  } finally {
    await tracing.shutdown();
    await router.close();
    await mock.close();
  }
  writeFileSync(evalsFile, JSON.stringify({ traceId: traceIds.T1, name: 'groundedness', score: 0.9, passed: true }) + '\n');
  return { tracesFile, evalsFile, traceIds };
}
