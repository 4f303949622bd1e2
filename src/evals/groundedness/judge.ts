/**
 * The judge method of Groundedness: the claims (split as in the deterministic method) and the
 * context go to a judge alias in one prompt; the judge answers one verdict per claim as JSON,
 * `{"claims":[{"id":1,"supported":true,"reason":"..."}]}`. Verdicts are read leniently (see
 * judge.ts: `supported`, `verdict`, `label` fields with yes/no-like values; a bare list of
 * verdicts); a claim the judge left out counts as unsupported.
 */
import { askJudge, pick, verdictBoolean, verdictReason, type JudgeOptions } from '../judge.js';

export interface JudgedClaim {
  claim: string;
  supported: boolean;
  reason?: string;
  /** The judge gave no verdict for this claim. */
  missing?: boolean;
}

const SYSTEM = [
  'You check whether each claim of an answer is supported by the given context.',
  'A claim is supported only if the context states it or directly implies it; numbers, names and dates must match exactly.',
  'Answer with JSON only, in this form: {"claims":[{"id":1,"supported":true,"reason":"short reason"}]}',
].join('\n');

export function groundednessPrompt(claims: readonly string[], context: readonly string[]): string {
  const ctx = context.map((c, i) => `[${i + 1}] ${c}`).join('\n\n');
  const list = claims.map((c, i) => `${i + 1}. ${c}`).join('\n');
  return `Context:\n${ctx}\n\nClaims:\n${list}\n\nGive one verdict per claim id.`;
}

function verdictList(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  const list = pick(json, ['claims', 'verdicts', 'results', 'statements']);
  if (Array.isArray(list)) return list;
  // A single-claim verdict object.
  return [json];
}

function verdictOf(v: unknown): boolean | undefined {
  if (typeof v !== 'object' || v === null) return verdictBoolean(v);
  return verdictBoolean(pick(v, ['supported', 'is_supported', 'grounded', 'verdict', 'label', 'result', 'answer']));
}

/** Reads the judge's verdicts into one per claim (by `id`, 1-based, else by position). */
export function readClaimVerdicts(claims: readonly string[], json: unknown): JudgedClaim[] {
  const list = verdictList(json);
  const byId = new Map<number, unknown>();
  list.forEach((v, i) => {
    const id = Number(pick(v, ['id', 'claim_id', 'index', 'number']));
    byId.set(Number.isInteger(id) && id >= 1 && id <= claims.length ? id : i + 1, v);
  });
  return claims.map((claim, i) => {
    const v = byId.get(i + 1);
    const supported = v === undefined ? undefined : verdictOf(v);
    if (supported === undefined) return { claim, supported: false, missing: true };
    const reason = verdictReason(v);
    return { claim, supported, ...(reason ? { reason } : {}) };
  });
}

export async function judgeClaims(judge: JudgeOptions, claims: readonly string[], context: readonly string[], signal?: AbortSignal): Promise<JudgedClaim[]> {
  const reply = await askJudge(judge, SYSTEM, groundednessPrompt(claims, context), signal);
  return readClaimVerdicts(claims, reply.json);
}
