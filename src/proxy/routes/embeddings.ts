/** `POST /v1/embeddings`: authenticate, read the body, check the alias, call the router, answer. */
import { getCallInfo } from '../../call-info.js';
import { BadRequestError } from '../../errors.js';
import { authenticate, checkAlias } from '../auth.js';
import { bodyLimits, readJsonBody } from '../body.js';
import { callHeaders } from '../call-headers.js';
import type { Exchange, ProxyState } from '../context.js';
import { sendJson } from '../respond.js';
import { callOptions } from './call-options.js';

export async function embeddings(state: ProxyState, ex: Exchange): Promise<void> {
  ex.key = authenticate(state, ex.req);
  const body = await readJsonBody(ex.req, bodyLimits(state));
  if (typeof body.model === 'string') checkAlias(state, ex.key, body.model);
  if (state.ingress.enforceUserParam && (typeof body.user !== 'string' || !body.user.trim())) {
    throw new BadRequestError('this proxy requires the "user" parameter on every request (enforce_user_param)', { param: 'user', code: 'missing_user' });
  }
  const result = await state.router.embeddings.create(body as never, callOptions(ex, body));
  const headers: Record<string, string> = {};
  callHeaders(getCallInfo(result), performance.now() - ex.arrived, headers);
  sendJson(state, ex, 200, JSON.stringify(result), headers);
}
