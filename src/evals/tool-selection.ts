/**
 * `ToolSelectionAccuracy`: did the model call the expected tool(s), with the expected arguments?
 *
 * Partial credit (docs/evals.md):
 *  - Expected calls E and actual calls A are paired by tool name: `unordered` (default) pairs each
 *    expected call with an unused actual call of the same name (the one whose arguments match
 *    best); `ordered` keeps the order (the best order-preserving pairing, a weighted longest common
 *    subsequence); `strict` needs the same names in the same order and the same count, else 0.
 *  - A pair earns credit 1 when the expected call gives no arguments; otherwise
 *    `(1 - argumentWeight) + argumentWeight × argumentScore`, where argumentScore is the share of
 *    expected argument leaves (nested object paths; arrays compared whole) the actual arguments
 *    match (`subset`, default) or the share over the union of expected and actual leaves (`exact`).
 *    Strings match trimmed and case-insensitively (unless `caseSensitive`), numbers numerically
 *    (`"5"` = `5`); unparseable actual arguments score 0.
 *  - precision = credit / |A|, recall = credit / |E|, score = their harmonic mean (F1).
 *    No expected calls: 1 when the model called nothing, else 0.
 */
import { BadRequestError, ConfigError } from '../errors.js';
import { checkThreshold, defineEvaluator, type Scored } from './evaluator.js';
import type { NormalizedToolCall } from './response.js';
import type { EvaluatorBaseOptions, Evaluator } from './types.js';

export const TOOL_SELECTION_EVALUATOR_VERSION = '1';

export interface ExpectedToolCall {
  name: string;
  /** Expected argument values (a subset, unless `argumentMatch: 'exact'`). */
  arguments?: Record<string, unknown>;
}

export interface ToolSelectionAccuracyOptions extends EvaluatorBaseOptions {
  /** Expected calls; `input.expected` (same shape) overrides per evaluation. */
  expected?: readonly ExpectedToolCall[];
  /** Pairing rule (default `unordered`). */
  mode?: 'unordered' | 'ordered' | 'strict';
  /** `subset` (default): only the expected arguments count; `exact`: extra actual arguments count as mismatches. */
  argumentMatch?: 'subset' | 'exact';
  /** Share of a pair's credit that depends on its arguments (default 0.5). */
  argumentWeight?: number;
  /** Compare strings case-sensitively (default false). */
  caseSensitive?: boolean;
}

type Leaves = Map<string, unknown>;

function isRec(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function leaves(value: unknown, prefix = '', out: Leaves = new Map()): Leaves {
  if (isRec(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, value);
  return out;
}

function sameValue(a: unknown, b: unknown, caseSensitive: boolean): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'string' && a.trim() !== '' ? Number(a) : a;
    const y = typeof b === 'string' && b.trim() !== '' ? Number(b) : b;
    return typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x));
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return caseSensitive ? a.trim() === b.trim() : a.trim().toLowerCase() === b.trim().toLowerCase();
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i], caseSensitive));
  if (isRec(a) && isRec(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameValue(a[k], b[k], caseSensitive));
  }
  return a === b;
}

interface ArgCheck {
  score: number;
  mismatched: string[];
  unparseable: boolean;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function parseArguments(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function ToolSelectionAccuracy(options: ToolSelectionAccuracyOptions = {}): Evaluator {
  const where = 'ToolSelectionAccuracy';
  const mode = options.mode ?? 'unordered';
  if (!['unordered', 'ordered', 'strict'].includes(mode)) throw new ConfigError(`${where}: mode must be "unordered", "ordered" or "strict", got "${String(mode)}"`);
  const argumentMatch = options.argumentMatch ?? 'subset';
  if (!['subset', 'exact'].includes(argumentMatch)) throw new ConfigError(`${where}: argumentMatch must be "subset" or "exact"`);
  const weight = options.argumentWeight ?? 0.5;
  if (typeof weight !== 'number' || weight < 0 || weight > 1) throw new ConfigError(`${where}: argumentWeight must be from 0 to 1`);
  const caseSensitive = options.caseSensitive === true;
  const defaultExpected = options.expected !== undefined ? checkExpected(options.expected, `${where}: expected`) : undefined;

  function argCheck(expected: ExpectedToolCall, actual: NormalizedToolCall): ArgCheck {
    if (!expected.arguments) return { score: 1, mismatched: [], unparseable: false };
    const parsed = parseArguments(actual.arguments);
    if (!parsed.ok) return { score: 0, mismatched: ['(arguments are not valid JSON)'], unparseable: true };
    const want = leaves(expected.arguments);
    const got = leaves(parsed.value);
    const keys = new Set(want.keys());
    if (argumentMatch === 'exact') for (const k of got.keys()) keys.add(k);
    if (keys.size === 0) return { score: 1, mismatched: [], unparseable: false };
    const mismatched: string[] = [];
    let matched = 0;
    for (const k of keys) {
      if (want.has(k) && got.has(k) && sameValue(want.get(k), got.get(k), caseSensitive)) matched++;
      else if (!want.has(k)) mismatched.push(`${k} not expected`);
      else if (!got.has(k)) mismatched.push(`${k} missing`);
      else mismatched.push(`${k}: expected ${short(want.get(k))}, got ${short(got.get(k))}`);
    }
    return { score: matched / keys.size, mismatched, unparseable: false };
  }

  function credit(e: ExpectedToolCall, a: NormalizedToolCall): { credit: number; check: ArgCheck } {
    const check = argCheck(e, a);
    return { credit: e.arguments ? 1 - weight + weight * check.score : 1, check };
  }

  /** Pairs (expected index, actual index) by the mode's rule. */
  function pair(expected: readonly ExpectedToolCall[], actual: readonly NormalizedToolCall[]): [number, number][] {
    if (mode === 'strict') {
      if (expected.length !== actual.length || expected.some((e, i) => e.name !== actual[i]!.name)) return [];
      return expected.map((_, i) => [i, i]);
    }
    if (mode === 'unordered') {
      const used = new Set<number>();
      const pairs: [number, number][] = [];
      expected.forEach((e, i) => {
        let best = -1;
        let bestCredit = -1;
        actual.forEach((a, j) => {
          if (used.has(j) || a.name !== e.name) return;
          const c = credit(e, a).credit;
          if (c > bestCredit) {
            best = j;
            bestCredit = c;
          }
        });
        if (best >= 0) {
          used.add(best);
          pairs.push([i, best]);
        }
      });
      return pairs;
    }
    // ordered: weighted longest common subsequence over names
    const n = expected.length;
    const m = actual.length;
    const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
    for (let i = 1; i <= n; i++) {
      for (let j = 1; j <= m; j++) {
        let best = Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
        if (expected[i - 1]!.name === actual[j - 1]!.name) best = Math.max(best, dp[i - 1]![j - 1]! + credit(expected[i - 1]!, actual[j - 1]!).credit);
        dp[i]![j] = best;
      }
    }
    const pairs: [number, number][] = [];
    let i = n;
    let j = m;
    while (i > 0 && j > 0) {
      if (expected[i - 1]!.name === actual[j - 1]!.name && Math.abs(dp[i]![j]! - (dp[i - 1]![j - 1]! + credit(expected[i - 1]!, actual[j - 1]!).credit)) < 1e-12) {
        pairs.unshift([i - 1, j - 1]);
        i--;
        j--;
      } else if (dp[i - 1]![j]! >= dp[i]![j - 1]!) i--;
      else j--;
    }
    return pairs;
  }

  return defineEvaluator({
    name: options.name ?? 'tool_selection',
    version: TOOL_SELECTION_EVALUATOR_VERSION,
    threshold: checkThreshold(options.threshold ?? 1, where),
    labels: { pass: 'correct', fail: 'incorrect' },
    score({ response, input }): Scored {
      const expected = input.expected !== undefined ? checkExpected(input.expected, 'evaluation input: expected', true) : defaultExpected;
      if (!expected) throw new ConfigError(`${where}: no expected tool calls (give \`expected\` to the evaluator or to evaluate())`);
      const actual = response.toolCalls;
      const names = (list: readonly { name: string }[]) => `[${list.map((c) => c.name).join(', ')}]`;
      if (expected.length === 0) {
        return actual.length === 0
          ? { score: 1, label: 'correct', explanation: 'no tool call expected, none made' }
          : { score: 0, label: 'incorrect', explanation: `no tool call expected, got ${names(actual)}` };
      }
      const pairs = pair(expected, actual);
      let total = 0;
      const notes: string[] = [];
      for (const [i, j] of pairs) {
        const { credit: c, check } = credit(expected[i]!, actual[j]!);
        total += c;
        if (check.mismatched.length) notes.push(`${expected[i]!.name}: ${check.mismatched.join(', ')}`);
      }
      const pairedE = new Set(pairs.map(([i]) => i));
      const pairedA = new Set(pairs.map(([, j]) => j));
      const missing = expected.filter((_, i) => !pairedE.has(i)).map((e) => e.name);
      const extra = actual.filter((_, j) => !pairedA.has(j)).map((a) => a.name);
      if (missing.length) notes.push(`missing ${missing.join(', ')}`);
      if (extra.length) notes.push(`unexpected ${extra.join(', ')}`);
      if (mode === 'strict' && pairs.length === 0) notes.unshift('strict mode: names or order differ');
      const precision = actual.length ? total / actual.length : 0;
      const recall = total / expected.length;
      const score = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      const rounded = Math.round(score * 1e6) / 1e6;
      const label = rounded >= 1 ? 'correct' : rounded > 0 ? 'partial' : 'incorrect';
      return {
        score,
        label,
        explanation: `expected ${names(expected)}, got ${names(actual)}${notes.length ? `: ${notes.join('; ')}` : ''}`,
        details: { precision, recall, pairs: pairs.length },
      };
    },
  });
}

/** Checks expected calls: a ConfigError for evaluator options, a BadRequestError for evaluation input. */
function checkExpected(value: unknown, where: string, input = false): ExpectedToolCall[] {
  const fail = (message: string) => (input ? new BadRequestError(message, { param: 'expected' }) : new ConfigError(message));
  if (!Array.isArray(value)) throw fail(`${where} must be a list of { name, arguments? }`);
  return value.map((e, i) => {
    if (!isRec(e) || typeof e.name !== 'string' || !e.name) throw fail(`${where}[${i}]: needs a tool name`);
    if (e.arguments !== undefined && !isRec(e.arguments)) throw fail(`${where}[${i}].arguments must be an object`);
    return e.arguments !== undefined ? { name: e.name, arguments: e.arguments } : { name: e.name };
  });
}
