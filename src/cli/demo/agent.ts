/**
 * The demo's agent workload: a refund-case agent whose every task is one trace with several routed
 * calls — a plan, a draft answer, and repairs while the draft fails the agent's own checks (JSON
 * schema and groundedness), at most `MAX_REPAIRS`; it gives up (the task span ends with an error)
 * when the last repair fails too or a call fails for good. Tasks alternate between `agent-lite`
 * (Claude Haiku: cheaper per call, but its drafts often fail the checks, so it needs more steps and
 * sometimes gives up) and `agent-pro` (GPT-4.1: dearer per call, right the first time). The report
 * shows the difference: agent-lite is cheaper per call and dearer per successful trace.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { getCallInfo, type CallInfo } from '../../call-info.js';
import type { Router } from '../../router/router.js';
import { checkAnswer, evaluateAnswer } from './evaluate.js';
import { KNOWLEDGE_BASE } from './support-kb.js';
import type { DemoClock } from './workload.js';

export const AGENT_ALIASES = ['agent-lite', 'agent-pro'] as const;
export const MAX_REPAIRS = 3;

export interface AgentProgress {
  done: number;
  total: number;
  byAlias: Record<string, number>;
  /** Tasks the agent gave up on. */
  failed: number;
  /** Routed calls made (plans, drafts, repairs). */
  calls: number;
}

const CASES = ['a refund for a parcel that never came', 'changing the address of an order that has not shipped', 'returning a jacket after three weeks', 'express shipping for a replacement'];

const SYSTEM = `You are a refund-case agent. Answer with JSON {"answer": string, "category": "shipping" | "returns" | "refunds" | "orders"}, using only this knowledge base:\n${KNOWLEDGE_BASE.map((s) => `- ${s}`).join('\n')}`;

async function ask(router: Router, alias: string, content: string): Promise<{ text: string; info: CallInfo | undefined }> {
  const c = await router.chat.completions.create({
    model: alias,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content },
    ],
    response_format: { type: 'json_object' },
    temperature: 0,
  });
  return { text: c.choices[0]?.message.content ?? '', info: getCallInfo(c) };
}

/** Runs `tasks` agent tasks one after another (alternating aliases), each in its own trace. */
export async function runAgentWorkload(router: Router, tasks: number, clock: DemoClock, onProgress: (p: AgentProgress) => void): Promise<AgentProgress> {
  const tracer = trace.getTracer('refund-agent');
  const p: AgentProgress = { done: 0, total: tasks, byAlias: {}, failed: 0, calls: 0 };
  for (let i = 0; i < tasks; i++) {
    const alias = AGENT_ALIASES[i % AGENT_ALIASES.length]!;
    const topic = CASES[i % CASES.length]!;
    p.byAlias[alias] = (p.byAlias[alias] ?? 0) + 1;
    await tracer.startActiveSpan(`case C-${i + 1}`, { attributes: { 'case.id': `C-${i + 1}`, 'agent.route': alias } }, async (root) => {
      const step = <T>(name: string, fn: () => Promise<T>): Promise<T> =>
        tracer.startActiveSpan(name, async (span) => {
          try {
            p.calls++;
            return await fn();
          } finally {
            span.end();
          }
        });
      try {
        await step('plan', () => ask(router, alias, `Plan the steps to resolve ${topic}.`));
        let draft = await step('draft', () => ask(router, alias, `Resolve ${topic}.`));
        let repairs = 0;
        while (!(await checkAnswer(draft.text)) && repairs < MAX_REPAIRS) {
          repairs++;
          draft = await step(`repair ${repairs}`, () => ask(router, alias, `Your answer failed the checks (valid JSON, grounded in the knowledge base). Fix it: ${draft.text}`));
        }
        if (await checkAnswer(draft.text)) await evaluateAnswer(draft.text, draft.info);
        else {
          p.failed++;
          root.setStatus({ code: SpanStatusCode.ERROR, message: `gave up after ${MAX_REPAIRS} repairs` });
        }
      } catch (err) {
        p.failed++;
        root.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      } finally {
        root.end();
      }
    });
    clock.advance(400);
    p.done = i + 1;
    onProgress(p);
  }
  return p;
}
