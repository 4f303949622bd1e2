/** The router's RequestOptions for a proxied call: abort signal, key identity and metadata, server trace context. */
import type { RequestOptions } from '../../router/call.js';
import type { Exchange } from '../context.js';
import { serverContext } from '../trace-context.js';

export function callOptions(ex: Exchange): RequestOptions {
  const options: RequestOptions = {
    signal: ex.call.signal,
    server: serverContext(ex.req.headers, ex.req.method ?? 'POST', ex.route),
  };
  const key = ex.key;
  if (key) {
    options.identity = key.identity;
    options.metadata = key.metadata as Record<string, string>;
  }
  return options;
}
