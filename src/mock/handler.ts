/**
 * The request pipeline: route → read body → what the dialect sees in it → record the call →
 * control headers → credentials and protocol checks → pick the step → respond.
 */
import { newRecord, type MockCallRecord } from './calls.js';
import { findRoute } from './dialects/index.js';
import type { ErrorSpec, MockRequest } from './dialects/types.js';
import { respond, sendError } from './respond.js';
import { FAULT_HEADER, FIXTURE_HEADER, parseFaultHeader, parseFixtureHeader, parseReplyHeader, REPLY_HEADER } from './scenario/headers.js';
import { ScenarioError } from './scenario/load.js';
import type { DialectName } from './scenario/schema.js';
import type { HeaderOverrides, ScenarioState } from './scenario/state.js';
import { sendBody } from './transport/deliver.js';
import { BodyTooLargeError, type Exchange } from './transport/exchange.js';

const MAX_BODY = 32 * 1024 * 1024;

export const DEFAULT_MODELS: Record<DialectName, string[]> = {
  openai: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'],
  azure: ['gpt-4o-mini', 'text-embedding-3-small'],
  anthropic: ['claude-sonnet-4-5', 'claude-haiku-4-5'],
  gemini: ['gemini-2.5-flash', 'gemini-2.5-pro', 'text-embedding-004'],
  bedrock: [],
};

export interface HandlerContext {
  state: ScenarioState;
  calls: MockCallRecord[];
  nextSeq(): number;
  fixturesDir: string;
  onCall?: ((call: MockCallRecord) => void) | undefined;
  onClosedEarly?: ((call: MockCallRecord) => void) | undefined;
  maxCalls?: number | undefined;
}

export async function handleExchange(ex: Exchange, ctx: HandlerContext): Promise<void> {
  const url = new URL(ex.url, 'http://mock.invalid');
  const seq = ctx.nextSeq();
  const record = newRecord(seq, ex.method, url.pathname, url.searchParams, ex.headers, ex.protocol);
  ctx.calls.push(record);
  if (ctx.maxCalls !== undefined && ctx.calls.length > ctx.maxCalls) ctx.calls.splice(0, ctx.calls.length - ctx.maxCalls);
  let reported = false;
  const report = () => {
    if (reported || !ctx.onCall) return;
    reported = true;
    try {
      ctx.onCall(record);
    } catch {
      // A logging hook must not break the response.
    }
  };
  ex.onHead((status) => {
    record.status = status;
    report();
  });
  ex.signal.addEventListener(
    'abort',
    () => {
      report();
      if (!ex.closedEarly) return;
      record.closedEarlyAt = Date.now();
      try {
        ctx.onClosedEarly?.(record);
      } catch {
        // As for onCall.
      }
    },
    { once: true },
  );
  ex.setDefaultHeader('x-mock-seq', String(seq));

  const found = findRoute(ex.method, url.pathname, ex.headers);
  if (!found) {
    await ex.readBody(MAX_BODY).catch(() => undefined);
    const body = { error: { message: `tracegate mock: no endpoint for ${ex.method} ${url.pathname}`, type: 'invalid_request_error', code: 'unknown_url' } };
    return sendBody(ex, 404, 'application/json', JSON.stringify(body));
  }
  const { dialect, route } = found;
  record.dialect = dialect.name;
  record.operation = route.operation;

  const body = await readJson(ex);
  if (body instanceof Error) {
    if (ex.closed) return;
    return sendError(ex, dialect, { kind: body instanceof BodyTooLargeError ? 'too_large' : 'bad_request', message: body.message });
  }
  record.body = body;
  const request: MockRequest = { method: ex.method, path: url.pathname, query: url.searchParams, headers: ex.headers, body };
  const view = dialect.view(route, request);
  record.model = view.model;
  record.stream = view.stream;
  const details = dialect.details(request);
  if (details.aws) record.aws = details.aws;

  const key = { dialect: dialect.name, operation: route.operation, model: view.model, stream: view.stream };
  let overrides: HeaderOverrides;
  try {
    overrides = readOverrides(request);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    return sendError(ex, dialect, { kind: 'bad_request', message: `tracegate mock: ${err.message}` });
  }
  const problem: ErrorSpec | undefined = dialect.checkRequest(request, { auth: ctx.state.authRequired(key) }) ?? view.problem;
  if (problem) return sendError(ex, dialect, { model: view.model, ...problem });

  const plan = ctx.state.plan(key, overrides);
  if (plan.step.kind !== 'ok') record.fault = plan.step.kind;
  record.source = plan.source;
  if (plan.replay) record.replay = plan.replay;
  await respond({ ex, dialect, route, view, plan, seq, fixturesDir: ctx.fixturesDir, models: ctx.state.models ?? DEFAULT_MODELS[dialect.name] });
}

async function readJson(ex: Exchange): Promise<unknown> {
  let raw: Buffer;
  try {
    raw = await ex.readBody(MAX_BODY);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
  if (!raw.length) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return new Error('We could not parse the JSON body of your request.');
  }
}

function readOverrides(request: MockRequest): HeaderOverrides {
  const value = (name: string) => {
    const raw = request.headers[name];
    return Array.isArray(raw) ? raw[0] : raw;
  };
  const fault = value(FAULT_HEADER);
  const reply = value(REPLY_HEADER);
  const fixture = value(FIXTURE_HEADER);
  return {
    ...(fault ? { fault: parseFaultHeader(fault) } : {}),
    ...(reply ? { reply: parseReplyHeader(reply) } : {}),
    ...(fixture ? { fixture: parseFixtureHeader(fixture) } : {}),
  };
}

/** Last resort for a bug in the mock: a 500 naming it, or a cut if headers already went out. */
export async function failExchange(ex: Exchange, err: unknown): Promise<void> {
  if (ex.closed) return;
  if (ex.headersSent) return ex.cut();
  const body = { error: { message: `tracegate mock internal error: ${(err as Error)?.message ?? String(err)}`, type: 'mock_internal_error' } };
  return sendBody(ex, 500, 'application/json', JSON.stringify(body));
}

