/**
 * Running a spec's evaluators over offline answers: each evaluator runs on each answer its
 * `where` selects and that has no result of the same name yet (unless `rerun`), a few at a time.
 * An evaluator that throws (a judge that did not answer) is counted as an error for that answer;
 * the others go on.
 */
import type { EvaluationTargetRef } from '../../channels.js';
import { contentText } from '../response.js';
import type { EvalMessage, EvaluationResult } from '../types.js';
import type { OfflineAnswer } from './answers.js';
import { matchesFilter, type ContextSource, type EvalSpec } from './spec.js';

export interface OfflineEvaluation {
  target: EvaluationTargetRef;
  result: EvaluationResult;
  /** Epoch ms the evaluation started and ended (the evaluation span's times). */
  startTime: number;
  endTime: number;
}

export interface EvaluatorSummary {
  name: string;
  evaluated: number;
  passed: number;
  failed: number;
  errors: number;
  /** Already evaluated in the file (skipped). */
  existing: number;
  meanScore: number | null;
  /** The first errors' messages. */
  errorMessages: string[];
}

export interface OfflineRun {
  evaluations: OfflineEvaluation[];
  summary: EvaluatorSummary[];
}

export interface RunOptions {
  rerun?: boolean;
  /** Evaluations in flight at once (default 4). */
  concurrency?: number;
  /** Called after each evaluation (progress). */
  onProgress?: (done: number, total: number) => void;
}

function contextFrom(messages: readonly EvalMessage[], sources: readonly ContextSource[]): string[] {
  const out: string[] = [];
  const lastUser = messages.map((m) => m.role).lastIndexOf('user');
  messages.forEach((m, i) => {
    const role = m.role === 'developer' ? 'system' : m.role === 'function' ? 'tool' : m.role;
    if (!sources.includes(role as ContextSource)) return;
    if (role === 'user' && i === lastUser) return; // the question itself is not context
    const text = contentText(m.content);
    if (text.trim()) out.push(text);
  });
  return out;
}

export async function runOffline(spec: EvalSpec, answers: readonly OfflineAnswer[], options: RunOptions = {}): Promise<OfflineRun> {
  const summary = new Map<string, EvaluatorSummary & { scoreSum: number }>();
  for (const e of spec.entries) summary.set(e.evaluator.name, { name: e.evaluator.name, evaluated: 0, passed: 0, failed: 0, errors: 0, existing: 0, meanScore: null, errorMessages: [], scoreSum: 0 });
  const jobs: (() => Promise<void>)[] = [];
  // by job, so the output keeps the answers' order whatever finishes first
  const byJob: (OfflineEvaluation | undefined)[] = [];
  for (const answer of answers) {
    for (const entry of spec.entries) {
      const name = entry.evaluator.name;
      const s = summary.get(name)!;
      if (!matchesFilter(entry.where, answer.route, answer.shadow)) continue;
      if (!options.rerun && answer.evaluated.has(name)) {
        s.existing++;
        continue;
      }
      const job = jobs.length;
      jobs.push(async () => {
        const startTime = Date.now();
        try {
          const context = answer.context ?? contextFrom(answer.messages, entry.contextFrom);
          const expected = answer.expected ?? entry.expected;
          const result = await entry.evaluator.evaluate({
            response: answer.response,
            ...(answer.messages.length ? { input: answer.messages } : {}),
            ...(context.length ? { context } : {}),
            ...(expected !== undefined ? { expected } : {}),
            ...(answer.route ? { route: answer.route } : {}),
            shadow: answer.shadow,
          });
          byJob[job] = { target: answer.target, result, startTime, endTime: Date.now() };
          s.evaluated++;
          s.scoreSum += result.score;
          if (result.passed) s.passed++;
          else s.failed++;
        } catch (err) {
          s.errors++;
          if (s.errorMessages.length < 3) s.errorMessages.push((err as Error)?.message ?? String(err));
        }
      });
    }
  }
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      await job();
      options.onProgress?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, jobs.length)) }, worker));
  return {
    evaluations: byJob.filter((e): e is OfflineEvaluation => e !== undefined),
    summary: [...summary.values()].map(({ scoreSum, ...s }) => ({ ...s, meanScore: s.evaluated ? Math.round((scoreSum / s.evaluated) * 1000) / 1000 : null })),
  };
}
