/** What every route handler gets: the proxy's shared state and the request being served. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from '../router/router.js';
import type { ServerSettings } from './config/resolve.js';
import type { InflightRequest } from './inflight.js';
import type { KeyRing, VirtualKey } from './keys.js';
import type { ProxyLogger } from './log.js';

export interface ProxyState {
  readonly router: Router;
  readonly keys: KeyRing;
  readonly settings: ServerSettings;
  /** Provider secrets to scrub from anything sent or logged. */
  readonly secrets: readonly string[];
  readonly log: ProxyLogger;
  /** Epoch seconds the proxy started (the `created` of /v1/models entries). */
  readonly startedAt: number;
  /** Settings of the Responses and Messages ingresses (model name mapping, stored-response TTL). */
  readonly ingress: { readonly modelAliases: Readonly<Record<string, string>>; readonly responsesTtlMs?: number; readonly enforceUserParam?: boolean };
  draining: boolean;
}

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** `performance.now()` when the request arrived. */
  readonly arrived: number;
  /** The matched route (`/v1/chat/completions`), for spans and logs. */
  readonly route: string;
  readonly call: InflightRequest;
  /** The caller's virtual key once authenticated. */
  key?: VirtualKey;
}
