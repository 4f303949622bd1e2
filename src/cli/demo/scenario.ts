/**
 * The demo's fake providers and router, scripted and seeded so the figures are stable:
 *
 * - `support-fast` → OpenAI `gpt-4o-mini` (weight 4; 429s with retry-after now and then, a burst of
 *   5xx that opens its circuit breaker, some ungrounded answers) and Gemini `gemini-2.0-flash`
 *   (weight 1; some 503s, and its JSON answers degrade as the run goes on);
 * - `support-accurate` → Anthropic `claude-sonnet-4-5` (streams with slow first tokens, 529 overloads, once
 *   long enough that the call falls back to `support-fast`);
 * - `agent-lite` → Anthropic `claude-haiku-4-5` and `agent-pro` → OpenAI `gpt-4.1` for the agent
 *   workload (see agent.ts), `agent-pro` falling back to `agent-lite`;
 * - fallbacks both ways; retries, backoff and a breaker as a real deployment would have.
 */
import type { MockScenario } from '../../mock/index.js';
import { createPrng } from '../../mock/answer/prng.js';
import type { RouterOptions } from '../../router/config.js';
import { brokenJsonAnswer, groundedAnswer, ungroundedAnswer } from './support-kb.js';

type Step = NonNullable<MockScenario['rules']>[number] extends { sequence?: (infer S)[] } ? S : never;

export const DEMO_KEY = 'sk-demo-not-a-real-key';

/** Deployments of the demo (ids as in spans and the report's `--config`). */
export const DEMO_MODELS = [
  { id: 'fast-openai', name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', weight: 4, dialect: 'openai' },
  { id: 'fast-gemini', name: 'support-fast', provider: 'gemini', model: 'gemini-2.0-flash', weight: 1, dialect: 'gemini' },
  { id: 'accurate-anthropic', name: 'support-accurate', provider: 'anthropic', model: 'claude-sonnet-4-5', weight: 1, dialect: 'anthropic' },
  { id: 'agent-haiku', name: 'agent-lite', provider: 'anthropic', model: 'claude-haiku-4-5', weight: 1, dialect: 'anthropic' },
  { id: 'agent-gpt41', name: 'agent-pro', provider: 'openai', model: 'gpt-4.1', weight: 1, dialect: 'openai' },
] as const;

/** Fallbacks of the demo router (and its config file). */
const DEMO_FALLBACKS = { 'support-fast': ['support-accurate'], 'support-accurate': ['support-fast'], 'agent-pro': ['agent-lite'] };

/** Every agent call reads a long case file and writes a short answer: the same tokens on both agent routes. */
const AGENT_USAGE = { prompt_tokens: 1200, completion_tokens: 220 };

/** One scripted step per request each model will get (with room for retries), then repeat. */
export function demoScenario(calls: number, seed: number): MockScenario {
  const rand = createPrng(seed);
  const n = Math.max(16, calls * 2);
  // support-fast gets about 2/3 of the tickets and OpenAI about 4/5 of those: place OpenAI's 5xx
  // burst (long enough to open its breaker) about a fifth into the run.
  const openai: Step[] = [];
  const burstAt = Math.max(2, Math.floor(calls * 0.1));
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (i >= burstAt && i < burstAt + 4) openai.push({ kind: 'server_error', status: 503 });
    else if (r < 0.1) openai.push({ kind: 'rate_limit', retryAfterMs: 40 });
    else if (r < 0.2) openai.push({ kind: 'ok', reply: { text: ungroundedAnswer(i) } });
    else openai.push({ kind: 'ok', reply: { text: groundedAnswer(i) } });
  }
  const gemini: Step[] = [];
  for (let i = 0; i < n; i++) {
    // Some 503s; and the share of broken JSON grows from 5 % to 80 % over the run.
    if (rand() < 0.08) {
      gemini.push({ kind: 'server_error', status: 503 });
      continue;
    }
    const broken = rand() < 0.05 + 0.75 * Math.min(1, i / (calls * 0.4));
    gemini.push({ kind: 'ok', reply: { text: broken ? brokenJsonAnswer(i) : groundedAnswer(i + 1) } });
  }
  const anthropic: Step[] = [];
  const overloadAt = Math.max(3, Math.floor(calls * 0.2));
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (i >= overloadAt && i < overloadAt + 3) anthropic.push({ kind: 'overloaded' });
    else if (r < 0.06) anthropic.push({ kind: 'overloaded' });
    else if (r < 0.3) anthropic.push({ kind: 'slow_first_token', ms: 180 + Math.floor(rand() * 160), reply: { text: groundedAnswer(i + 2) } });
    else anthropic.push({ kind: 'ok', reply: { text: groundedAnswer(i + 2) } });
  }
  // The agent routes (src/cli/demo/agent.ts): Haiku's drafts fail the agent's checks about two
  // times in three (broken JSON or invented facts) and it is overloaded now and then; GPT-4.1's
  // drafts pass, but for a 5xx now and then (retried) and a rare invented fact.
  const lite: Step[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.05) lite.push({ kind: 'overloaded' });
    else if (r < 0.4) lite.push({ kind: 'ok', reply: { text: brokenJsonAnswer(i), usage: AGENT_USAGE } });
    else if (r < 0.72) lite.push({ kind: 'ok', reply: { text: ungroundedAnswer(i), usage: AGENT_USAGE } });
    else lite.push({ kind: 'ok', reply: { text: groundedAnswer(i), usage: AGENT_USAGE } });
  }
  const pro: Step[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.05) pro.push({ kind: 'server_error', status: 503 });
    else if (r < 0.08) pro.push({ kind: 'ok', reply: { text: ungroundedAnswer(i), usage: AGENT_USAGE } });
    else pro.push({ kind: 'ok', reply: { text: groundedAnswer(i + 3), usage: AGENT_USAGE } });
  }
  return {
    name: 'tracegate demo',
    seed,
    defaults: { stream: { delayMs: 2 } },
    rules: [
      { name: 'openai: rate limits, a 5xx burst, some ungrounded answers', match: { model: 'gpt-4o-mini' }, sequence: openai, then: 'repeat', latencyMs: 25 },
      { name: 'gemini: JSON answers degrade', match: { model: 'gemini-2.0-flash' }, sequence: gemini, then: 'repeat', latencyMs: 15 },
      { name: 'anthropic: slow first tokens, overloads', match: { model: 'claude-sonnet-4-5' }, sequence: anthropic, then: 'repeat', latencyMs: 60 },
      { name: 'agent-lite: drafts that fail the checks', match: { model: 'claude-haiku-4-5' }, sequence: lite, then: 'repeat', latencyMs: 12 },
      { name: 'agent-pro: right the first time, a 5xx burst', match: { model: 'gpt-4.1' }, sequence: pro, then: 'repeat', latencyMs: 20 },
    ],
  };
}

export function demoRouterOptions(baseURL: (dialect: 'openai' | 'gemini' | 'anthropic') => string, seed: number, clock: { now(): number }): RouterOptions {
  return {
    models: DEMO_MODELS.map((m) => ({ id: m.id, name: m.name, provider: m.provider, model: m.model, weight: m.weight, apiKey: DEMO_KEY, baseURL: baseURL(m.dialect) })),
    retry: { maxAttempts: 4, initialBackoffMs: 20, maxBackoffMs: 80, perClass: { rate_limit: 2, upstream_unavailable: 2 } },
    fallbacks: DEMO_FALLBACKS,
    breaker: { consecutiveFailures: 3, cooldownMs: 2_000, windowMs: 10_000 },
    random: createPrng(seed ^ 0x5eed),
    clock,
  };
}

/** The router config as a file the report reads with `--config` (no keys). */
export function demoRouterConfigFile(): { models: { id: string; name: string; provider: string; model: string; weight: number }[]; fallbacks: Record<string, string[]> } {
  return {
    models: DEMO_MODELS.map((m) => ({ id: m.id, name: m.name, provider: m.provider, model: m.model, weight: m.weight })),
    fallbacks: DEMO_FALLBACKS,
  };
}
