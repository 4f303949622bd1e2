/** `GET /v1/models` (the aliases the key may use) and `GET /v1/models/{alias}`. */
import { NotFoundError } from '../../errors.js';
import { allowedAliases, authenticate } from '../auth.js';
import type { Exchange, ProxyState } from '../context.js';
import { allows } from '../keys.js';
import { sendJson } from '../respond.js';

function entry(state: ProxyState, id: string): Record<string, unknown> {
  return { id, object: 'model', created: state.startedAt, owned_by: 'tracegate' };
}

export async function listModels(state: ProxyState, ex: Exchange): Promise<void> {
  ex.key = authenticate(state, ex.req);
  const data = allowedAliases(state, ex.key).map((id) => entry(state, id));
  sendJson(state, ex, 200, JSON.stringify({ object: 'list', data }));
}

export async function retrieveModel(state: ProxyState, ex: Exchange, id: string): Promise<void> {
  ex.key = authenticate(state, ex.req);
  if (!state.router.groups.has(id) || !allows(ex.key, id)) {
    throw new NotFoundError(`model "${id}" does not exist or this key may not use it`, { code: 'model_not_found', param: 'model' });
  }
  sendJson(state, ex, 200, JSON.stringify(entry(state, id)));
}
