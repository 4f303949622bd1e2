/**
 * Per-request control headers, for tests:
 *   x-mock-fault:   a JSON step (`{"kind":"rate_limit","retryAfterMs":50}`) or the short form
 *                   `kind` / `kind:key=value,key=value` (`rate_limit:retryAfterSeconds=1`)
 *   x-mock-reply:   a JSON reply (`{"text":"hi","finishReason":"length"}`)
 *   x-mock-fixture: `<family>/<name>`, optionally `;status=429` (or JSON `{"replay":..,"status":..}`)
 */
import { z } from 'zod';
import { parseStep, ScenarioError, validate } from './load.js';
import { fixtureRefSchema, replySchema, type Reply, type Step } from './schema.js';

export const FAULT_HEADER = 'x-mock-fault';
export const REPLY_HEADER = 'x-mock-reply';
export const FIXTURE_HEADER = 'x-mock-fixture';

export interface FixtureChoice {
  replay: string;
  status?: number;
}

const fixtureChoiceSchema = z.strictObject({ replay: fixtureRefSchema, status: z.number().int().min(100).max(599).optional() });

export function parseFaultHeader(value: string): Step {
  const text = value.trim();
  if (text.startsWith('{')) return parseStep(parseJson(text, FAULT_HEADER), FAULT_HEADER);
  const colon = text.indexOf(':');
  const step: Record<string, unknown> = { kind: colon < 0 ? text : text.slice(0, colon) };
  if (colon >= 0) Object.assign(step, parsePairs(text.slice(colon + 1), FAULT_HEADER));
  return parseStep(step, FAULT_HEADER);
}

export function parseReplyHeader(value: string): Reply {
  return validate(replySchema, parseJson(value.trim(), REPLY_HEADER), REPLY_HEADER);
}

export function parseFixtureHeader(value: string): FixtureChoice {
  const text = value.trim();
  if (text.startsWith('{')) return validate(fixtureChoiceSchema, parseJson(text, FIXTURE_HEADER), FIXTURE_HEADER);
  const [replay, ...params] = text.split(';');
  const choice: Record<string, unknown> = { replay: replay?.trim() };
  for (const param of params) Object.assign(choice, parsePairs(param, FIXTURE_HEADER));
  return validate(fixtureChoiceSchema, choice, FIXTURE_HEADER);
}

function parseJson(text: string, header: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`${header}: not valid JSON (${(err as Error).message})`);
  }
}

/** `a=1,b=true,c=text` → `{ a: 1, b: true, c: 'text' }`. */
function parsePairs(text: string, header: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of text.split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ScenarioError(`${header}: expected key=value, got "${pair.trim()}"`);
    const raw = pair.slice(eq + 1).trim();
    out[pair.slice(0, eq).trim()] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}
