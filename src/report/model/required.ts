/**
 * The attributes a call's spans must carry for the report (and any backend query) to see the whole
 * call: the one place that defines "span coverage: share with all required attributes". Names come
 * from `semconv/`, so a rename there is a compile error here.
 */
import * as S from '../../../semconv/index.js';

/** On every logical call span. */
export const REQUIRED_CALL_ATTRIBUTES: readonly string[] = [S.ATTR_TRACEGATE_ROUTE, S.ATTR_TRACEGATE_OPERATION, S.ATTR_TRACEGATE_OUTCOME, S.ATTR_TRACEGATE_ATTEMPTS];

/** On a call span whose call was answered by a deployment (not a cache hit): who answered, what it cost. */
export const REQUIRED_ANSWERED_CALL_ATTRIBUTES: readonly string[] = [S.ATTR_TRACEGATE_DEPLOYMENT_ID, S.ATTR_TRACEGATE_PROVIDER, S.ATTR_TRACEGATE_MODEL];

/** On every attempt span. */
export const REQUIRED_ATTEMPT_ATTRIBUTES: readonly string[] = [
  S.ATTR_GEN_AI_OPERATION_NAME,
  S.ATTR_GEN_AI_PROVIDER_NAME,
  S.ATTR_GEN_AI_REQUEST_MODEL,
  S.ATTR_TRACEGATE_ROUTE,
  S.ATTR_TRACEGATE_DEPLOYMENT_ID,
  S.ATTR_TRACEGATE_ATTEMPT_INDEX,
];

/** On every CLIENT span of an instrumented provider SDK call (`tracegate.path` = `direct`). */
export const REQUIRED_DIRECT_ATTRIBUTES: readonly string[] = [
  S.ATTR_GEN_AI_OPERATION_NAME,
  S.ATTR_GEN_AI_PROVIDER_NAME,
  S.ATTR_GEN_AI_REQUEST_MODEL,
  S.ATTR_TRACEGATE_PATH,
  S.ATTR_TRACEGATE_PROVIDER,
];

/** On an attempt span that failed. */
export const REQUIRED_FAILED_ATTEMPT_ATTRIBUTES: readonly string[] = [S.ATTR_ERROR_TYPE];

/** On a chat attempt span that answered: usage (tokens in and out). Cost is required too, see `hasCost`. */
export const REQUIRED_ANSWERED_CHAT_ATTEMPT_ATTRIBUTES: readonly string[] = [S.ATTR_GEN_AI_USAGE_INPUT_TOKENS, S.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS];

/** A cost is "present" when it is given, or explicitly marked unknown (no price for the model). */
export const COST_ATTRIBUTES = { attempt: S.ATTR_LLM_COST_TOTAL, call: S.ATTR_TRACEGATE_COST_TOTAL_USD, unknown: S.ATTR_TRACEGATE_COST_PRICE_UNKNOWN } as const;

export function hasAll(attributes: ReadonlyMap<string, unknown>, names: readonly string[]): boolean {
  for (const n of names) {
    const v = attributes.get(n);
    if (v === undefined || v === null || v === '') return false;
  }
  return true;
}

export function hasCost(attributes: ReadonlyMap<string, unknown>, kind: 'attempt' | 'call'): boolean {
  return attributes.get(COST_ATTRIBUTES[kind]) !== undefined || attributes.get(COST_ATTRIBUTES.unknown) === true;
}
