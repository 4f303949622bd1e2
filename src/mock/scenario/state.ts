/**
 * The live scenario: which rule a request matches, which step it gets, and what settings
 * (reply, stream pacing, latency, replay) apply. Precedence, highest first:
 * request header > `enqueue()` script > the first matching rule's `sequence` > its
 * probabilistic `faults` > ok.
 */
import { createPrng } from '../answer/prng.js';
import type { FixtureChoice } from './headers.js';
import type { DialectName, Operation, Reply, ResolvedRule, ResolvedScenario, RuleMatch, Step, StreamOptions } from './schema.js';

export interface CallKey {
  dialect: DialectName;
  operation: Operation;
  model: string;
  stream: boolean;
}

export interface HeaderOverrides {
  fault?: Step;
  reply?: Reply;
  fixture?: FixtureChoice;
}

export type StepSource = 'header' | 'queue' | 'sequence' | 'probability' | 'default';

export interface Plan {
  step: Step;
  source: StepSource;
  rule?: ResolvedRule;
  reply: Reply;
  stream: StreamOptions;
  latencyMs: number;
  replay?: string;
  replayStatus?: number;
}

interface QueuedScript {
  match: RuleMatch;
  steps: Step[];
}

const OK: Step = { kind: 'ok' };
export const DEFAULT_SEED = 1;

export class ScenarioState {
  private cursors = new Map<number, number>();
  private queue: QueuedScript[] = [];
  private random: () => number;

  constructor(
    private scenario: ResolvedScenario,
    private readonly seedOption?: number,
  ) {
    this.random = createPrng(this.seed());
  }

  get models(): string[] | undefined {
    return this.scenario.models;
  }

  replace(scenario: ResolvedScenario): void {
    this.scenario = scenario;
    this.resetCursors();
  }

  /** Clears cursors, queued scripts and restarts the PRNG from the seed. */
  resetCursors(): void {
    this.cursors.clear();
    this.queue = [];
    this.random = createPrng(this.seed());
  }

  enqueue(match: RuleMatch, steps: Step[]): void {
    if (steps.length) this.queue.push({ match, steps: [...steps] });
  }

  /** The first rule whose match fits the call (no side effects). */
  rule(key: CallKey): { rule: ResolvedRule; index: number } | undefined {
    const rules = this.scenario.rules ?? [];
    const index = rules.findIndex((rule) => matches(rule.match, key));
    return index < 0 ? undefined : { rule: rules[index]!, index };
  }

  /** Whether credentials are checked for this call (rule, then defaults, then scenario; default yes). */
  authRequired(key: CallKey): boolean {
    return this.rule(key)?.rule.auth ?? this.scenario.defaults?.auth ?? this.scenario.auth ?? true;
  }

  /** Picks the step for a call and consumes it (one step of a script or sequence per request). */
  plan(key: CallKey, headers: HeaderOverrides): Plan {
    const found = this.rule(key);
    const { step, source } = this.pickStep(key, headers, found);
    const defaults = this.scenario.defaults ?? {};
    const rule = found?.rule;
    const answer = answerPart(step);
    // The replay and its status come from the same place: header, step, rule, or defaults.
    const origin = [headers.fixture, answer, rule, defaults].find((where) => where?.replay !== undefined);
    const replay = origin?.replay;
    const replayStatus = origin?.status;
    return {
      step,
      source,
      ...(rule ? { rule } : {}),
      reply: { ...defaults.reply, ...rule?.reply, ...answer.reply, ...headers.reply },
      stream: { ...defaults.stream, ...rule?.stream, ...answer.stream },
      latencyMs: rule?.latencyMs ?? defaults.latencyMs ?? 0,
      ...(replay !== undefined ? { replay } : {}),
      ...(replay !== undefined && replayStatus !== undefined ? { replayStatus } : {}),
    };
  }

  private pickStep(key: CallKey, headers: HeaderOverrides, found: { rule: ResolvedRule; index: number } | undefined): { step: Step; source: StepSource } {
    if (headers.fault) return { step: headers.fault, source: 'header' };
    const queued = this.queue.findIndex((script) => matches(script.match, key));
    if (queued >= 0) {
      const script = this.queue[queued]!;
      const step = script.steps.shift()!;
      if (!script.steps.length) this.queue.splice(queued, 1);
      return { step, source: 'queue' };
    }
    if (!found) return { step: OK, source: 'default' };
    const fromSequence = this.nextInSequence(found.rule, found.index);
    if (fromSequence) return { step: fromSequence, source: 'sequence' };
    const faults = found.rule.faults ?? [];
    if (faults.length) {
      const roll = this.random();
      let edge = 0;
      for (const fault of faults) {
        edge += fault.probability;
        if (roll < edge) return { step: fault.step, source: 'probability' };
      }
    }
    return { step: OK, source: 'default' };
  }

  private nextInSequence(rule: ResolvedRule, index: number): Step | undefined {
    const sequence = rule.sequence ?? [];
    if (!sequence.length) return undefined;
    const cursor = this.cursors.get(index) ?? 0;
    this.cursors.set(index, cursor + 1);
    if (cursor < sequence.length) return sequence[cursor];
    if (rule.then === 'repeat') return sequence[cursor % sequence.length];
    if (rule.then === 'last') return sequence[sequence.length - 1];
    return undefined;
  }

  private seed(): number {
    return this.seedOption ?? this.scenario.seed ?? DEFAULT_SEED;
  }
}

const ANSWER_KINDS = new Set<Step['kind']>(['ok', 'content_policy', 'latency', 'slow_first_token', 'stall', 'cut', 'malformed', 'oversized', 'stream_error']);

/** The answer settings a step carries (`reply`, `stream`, `replay`, replay `status`); none for error steps. */
function answerPart(step: Step): { reply?: Reply; stream?: StreamOptions; replay?: string; status?: number } {
  if (!ANSWER_KINDS.has(step.kind)) return {};
  return step as { reply?: Reply; stream?: StreamOptions; replay?: string; status?: number };
}

export function matches(match: RuleMatch | undefined, key: CallKey): boolean {
  if (!match) return true;
  if (match.stream !== undefined && match.stream !== key.stream) return false;
  if (match.dialect !== undefined && !toList(match.dialect).includes(key.dialect)) return false;
  if (match.operation !== undefined && !toList(match.operation).includes(key.operation)) return false;
  if (match.model !== undefined && !toList(match.model).some((pattern) => globMatch(pattern, key.model))) return false;
  return true;
}

function toList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** `*` matches any run of characters; everything else is literal. */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(value);
}
