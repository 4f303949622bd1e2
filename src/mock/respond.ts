/**
 * Carrying out a plan for one request: an error, a hang, a replayed fixture, or a generated
 * answer (chat, embeddings, models) sent with the step's transport faults.
 */
import { buildAnswer, streamPieces, type Answer } from './answer/answer.js';
import { embedText } from './answer/embedding.js';
import { DIALECTS_BY_NAME } from './dialects/index.js';
import type { Dialect, ErrorSpec, RequestView, RouteMatch } from './dialects/types.js';
import { bodyFault, contentPolicyMode, stepError } from './faults.js';
import { loadFixture } from './fixtures.js';
import type { Plan } from './scenario/state.js';
import { fillerPieces, sendBody, sendEvents, sendFilledBody, type Timing } from './transport/deliver.js';
import { untilClosed, type Exchange } from './transport/exchange.js';

export interface RespondContext {
  ex: Exchange;
  dialect: Dialect;
  route: RouteMatch;
  view: RequestView;
  plan: Plan;
  seq: number;
  fixturesDir: string;
  models: string[];
}

const JSON_TYPE = 'application/json';
const DEFAULT_OVERSIZED_BYTES = 8 * 1024 * 1024;
const OVERSIZED_MARKER = 'TRACEGATE_MOCK_OVERSIZED_FILL';
const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1><p>The upstream server returned an invalid response (tracegate mock content_type fault).</p></body></html>\n';

export function sendError(ex: Exchange, dialect: Dialect, spec: ErrorSpec, headers: Record<string, string> = {}, beforeHeadMs = 0): Promise<void> {
  const out = dialect.error(spec);
  return sendBody(ex, out.status, JSON_TYPE, JSON.stringify(out.body), { beforeHeadMs, headers: { ...out.headers, ...headers } });
}

export async function respond(c: RespondContext): Promise<void> {
  const { ex, plan, dialect, view } = c;
  const step = plan.step;
  const beforeHeadMs = plan.latencyMs + (step.kind === 'latency' ? step.ms : 0);
  if (step.kind === 'hang') return untilClosed(ex.signal);
  const failure = stepError(step, dialect.name, view);
  if (failure) return sendError(ex, dialect, failure.spec, failure.headers, beforeHeadMs);
  if (step.kind === 'status') {
    const text = typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
    return sendBody(ex, step.status, typeof step.body === 'string' ? 'text/plain; charset=utf-8' : JSON_TYPE, text, { beforeHeadMs, headers: { ...step.headers } });
  }
  if (step.kind === 'content_type') return sendBody(ex, 200, step.contentType ?? 'text/html; charset=utf-8', step.body ?? HTML_PAGE, { beforeHeadMs });

  const timing: Timing = {
    beforeHeadMs,
    firstByteMs: step.kind === 'slow_first_token' ? step.ms : (plan.stream.firstChunkDelayMs ?? 0),
    betweenEventsMs: plan.stream.delayMs ?? 0,
  };
  if (step.kind === 'oversized') return sendOversized(c, timing, step.bytes ?? DEFAULT_OVERSIZED_BYTES);
  if (plan.replay) return replay(c, plan.replay, timing);

  const fault = bodyFault(step, dialect);
  switch (c.route.operation) {
    case 'models':
      if (!dialect.models) return sendError(ex, dialect, { kind: 'not_found' });
      return sendBody(ex, 200, JSON_TYPE, JSON.stringify(dialect.models(c.models, c.route)), { ...timing, fault });
    case 'embeddings':
      return sendBody(ex, 200, JSON_TYPE, JSON.stringify(embeddingsBody(dialect, view)), { ...timing, fault });
    case 'chat': {
      const answer = chatAnswer(c);
      if (view.stream) return sendEvents(ex, dialect.framer, dialect.chatStream(answer, view, streamPieces(answer, plan.stream)), { ...timing, fault });
      return sendBody(ex, 200, JSON_TYPE, JSON.stringify(dialect.chat(answer, view)), { ...timing, fault });
    }
  }
}

function embeddingsBody(dialect: Dialect, view: RequestView): unknown {
  if (!dialect.embeddings || !dialect.embeddingDimensions) return {};
  const dimensions = dialect.embeddingDimensions(view);
  return dialect.embeddings(view.embedInputs.map((text) => embedText(text, dimensions)), view);
}

function chatAnswer(c: RespondContext, textOverride?: string): Answer {
  const step = c.plan.step;
  const mode = step.kind === 'content_policy' ? contentPolicyMode(step, c.dialect.name) : undefined;
  const reply = mode ? { ...c.plan.reply, text: c.plan.reply.text ?? '', toolCalls: [], finishReason: 'content_filter' as const } : c.plan.reply;
  const answer = buildAnswer(textOverride === undefined ? reply : { ...reply, text: textOverride, echo: false }, {
    seq: c.seq,
    model: c.view.model,
    promptText: c.view.promptText,
    lastUserText: c.view.lastUserText,
  });
  if (mode === 'prompt') answer.promptBlocked = true;
  return answer;
}

async function replay(c: RespondContext, ref: string, timing: Timing): Promise<void> {
  const fixture = await loadFixture(c.fixturesDir, ref, { stream: c.view.stream, ...(c.plan.replayStatus !== undefined ? { status: c.plan.replayStatus } : {}) });
  if (fixture.kind === 'failed') {
    const body = { error: { message: `tracegate mock: ${fixture.message}`, type: 'mock_fixture_error', file: fixture.file } };
    return sendBody(c.ex, 500, JSON_TYPE, JSON.stringify(body));
  }
  if (fixture.kind === 'body') return sendBody(c.ex, fixture.status, fixture.contentType, fixture.body, { ...timing, fault: bodyFault(c.plan.step, c.dialect) });
  const wire = DIALECTS_BY_NAME[fixture.dialect];
  return sendEvents(c.ex, wire.framer, fixture.events, { ...timing, fault: bodyFault(c.plan.step, wire) });
}

/** A valid-looking answer of about `bytes` bytes: one huge text (whole body) or many large text events (stream). */
async function sendOversized(c: RespondContext, timing: Timing, bytes: number): Promise<void> {
  const { ex, dialect, view } = c;
  if (c.route.operation === 'chat' && view.stream) {
    const answer = chatAnswer(c, 'a');
    const pieces = { ...streamPieces(answer, c.plan.stream), reasoning: [], text: fillerPieces(bytes) };
    return sendEvents(ex, dialect.framer, dialect.chatStream(answer, view, pieces), timing);
  }
  const body =
    c.route.operation === 'chat'
      ? JSON.stringify(dialect.chat(chatAnswer(c, OVERSIZED_MARKER), view))
      : JSON.stringify(c.route.operation === 'embeddings' ? embeddingsBody(dialect, view) : (dialect.models?.(c.models, c.route) ?? {}));
  const at = body.indexOf(OVERSIZED_MARKER);
  const [prefix, suffix] = at >= 0 ? [body.slice(0, at), body.slice(at + OVERSIZED_MARKER.length)] : [`${body.slice(0, -1)},"padding":"`, '"}'];
  return sendFilledBody(ex, JSON_TYPE, prefix, suffix, bytes, timing);
}
