/**
 * The demo's support agent: one application span per ticket (`ticket T-n`), one router call per
 * ticket through `support-fast` (JSON mode) or, for hard questions, `support-accurate` (streamed),
 * then the evaluators on the answer, recorded on the same trace. Tickets run one after another so
 * the scripted fakes and the seeded router make the same choices on every run.
 */
import { trace } from '@opentelemetry/api';
import { getCallInfo } from '../../call-info.js';
import { isTracegateError } from '../../errors.js';
import type { Router } from '../../router/router.js';
import { evaluateAnswer } from './evaluate.js';
import { KNOWLEDGE_BASE, QUESTIONS } from './support-kb.js';

export interface WorkloadProgress {
  done: number;
  total: number;
  byAlias: Record<string, number>;
  failed: number;
  fallbacks: number;
  evaluations: number;
  evalsFailed: number;
}

const SYSTEM = `You are a support agent. Answer with JSON {"answer": string, "category": "shipping" | "returns" | "refunds" | "orders"}, using only this knowledge base:\n${KNOWLEDGE_BASE.map((s) => `- ${s}`).join('\n')}`;

export interface DemoClock {
  now(): number;
  advance(ms: number): void;
}

/** The router's clock in the demo: moves a fixed step per ticket, so breaker cooldowns are the same on every run. */
export function demoClock(start = Date.UTC(2026, 0, 1, 9)): DemoClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

async function ask(router: Router, alias: string, question: string): Promise<{ text: string; info: ReturnType<typeof getCallInfo> }> {
  const messages = [
    { role: 'system' as const, content: SYSTEM },
    { role: 'user' as const, content: question },
  ];
  if (alias === 'support-accurate') {
    const stream = await router.chat.completions.create({ model: alias, messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return { text, info: getCallInfo(stream) };
  }
  const c = await router.chat.completions.create({ model: alias, messages, response_format: { type: 'json_object' }, temperature: 0 });
  return { text: c.choices[0]?.message.content ?? '', info: getCallInfo(c) };
}

export async function runWorkload(router: Router, tickets: number, clock: DemoClock, onProgress: (p: WorkloadProgress) => void): Promise<WorkloadProgress> {
  const tracer = trace.getTracer('support-agent');
  const p: WorkloadProgress = { done: 0, total: tickets, byAlias: {}, failed: 0, fallbacks: 0, evaluations: 0, evalsFailed: 0 };
  for (let i = 0; i < tickets; i++) {
    const q = QUESTIONS[i % QUESTIONS.length]!;
    const alias = q.hard ? 'support-accurate' : 'support-fast';
    p.byAlias[alias] = (p.byAlias[alias] ?? 0) + 1;
    await tracer.startActiveSpan(`ticket T-${i + 1}`, { attributes: { 'ticket.id': `T-${i + 1}` } }, async (span) => {
      try {
        const { text, info } = await ask(router, alias, q.text);
        if (info?.fallbackUsed) p.fallbacks++;
        for (const result of await evaluateAnswer(text, info)) {
          p.evaluations++;
          if (!result.passed) p.evalsFailed++;
        }
      } catch (err) {
        p.failed++;
        span.setAttribute('ticket.error', isTracegateError(err) ? err.errorClass : 'unknown');
      } finally {
        span.end();
      }
    });
    clock.advance(400);
    p.done = i + 1;
    onProgress(p);
  }
  return p;
}
