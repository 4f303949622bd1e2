/**
 * The OpenAI Responses API: `POST /v1/responses` (plain or streamed), `GET /v1/responses/{id}`
 * and `DELETE /v1/responses/{id}`, over `router.responses` (one chat call per request, see
 * src/router/ingress/responses.ts). The model name goes through `modelAliases`; the key must
 * be allowed the alias; stored responses are scoped to the key. Tools the alias cannot run are
 * listed in `x-tracegate-dropped-tools`. Errors are OpenAI's error bodies.
 */
import { getCallInfo } from '../../call-info.js';
import { droppedToolsOf, isResponseStream } from '../../router/ingress/responses.js';
import { authenticate, checkAlias } from '../auth.js';
import { bodyLimits, readJsonBody } from '../body.js';
import { callHeaders } from '../call-headers.js';
import type { Exchange, ProxyState } from '../context.js';
import { toErrorResponse } from '../errors.js';
import { sendJson } from '../respond.js';
import { callOptions } from './call-options.js';
import { pipeNamedEvents } from './event-stream.js';
import { aliasFor } from './model-name.js';

function droppedHeader(result: object, headers: Record<string, string>): void {
  const dropped = droppedToolsOf(result);
  if (dropped.length) headers['x-tracegate-dropped-tools'] = dropped.join(', ');
}

export async function createResponse(state: ProxyState, ex: Exchange): Promise<void> {
  ex.key = authenticate(state, ex.req);
  const body = await readJsonBody(ex.req, bodyLimits(state));
  if (typeof body.model === 'string') {
    body.model = aliasFor(state, body.model);
    checkAlias(state, ex.key, body.model as string);
  }
  const options = { ...callOptions(ex), ...(state.ingress.responsesTtlMs !== undefined ? { storeTtlMs: state.ingress.responsesTtlMs } : {}) };
  const result = await state.router.responses.create(body, options);
  const headers: Record<string, string> = {};
  droppedHeader(result, headers);
  if (isResponseStream(result)) {
    const events = (async function* () {
      for await (const e of result) yield { event: e.type, data: e };
    })();
    // The Responses stream reports its own failures (`response.failed`): nothing is left to add.
    return pipeNamedEvents(state, ex, result.chat, events, headers, (err) => ({ event: 'error', data: { type: 'error', ...errorFields(state, err) } }));
  }
  callHeaders(getCallInfo(result), performance.now() - ex.arrived, headers);
  sendJson(state, ex, 200, JSON.stringify(result), headers);
}

function errorFields(state: ProxyState, err: unknown): Record<string, unknown> {
  const body = JSON.parse(toErrorResponse(err, state.secrets).body) as { error: Record<string, unknown> };
  return { code: body.error.code ?? null, message: body.error.message, param: body.error.param ?? null };
}

export async function retrieveResponse(state: ProxyState, ex: Exchange, id: string): Promise<void> {
  ex.key = authenticate(state, ex.req);
  const response = await state.router.responses.retrieve(id, callOptions(ex));
  sendJson(state, ex, 200, JSON.stringify(response));
}

export async function deleteResponse(state: ProxyState, ex: Exchange, id: string): Promise<void> {
  ex.key = authenticate(state, ex.req);
  const result = await state.router.responses.delete(id, callOptions(ex));
  sendJson(state, ex, 200, JSON.stringify(result));
}
