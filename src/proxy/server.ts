/**
 * `startProxy`: the OpenAI-compatible proxy on `node:http` (no framework: nothing can be faster
 * than the server it would sit on; see docs/proxy.md for the figures). Keep-alive and the
 * header/request timeouts come from the config; malformed requests get JSON error answers, and
 * no request can crash the server (each one is wrapped, a failure is a 500 and a log line).
 */
import http, { STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ConfigError } from '../errors.js';
import { Router } from '../router/router.js';
import type { RouterOptions } from '../router/config.js';
import type { ProxyConfig } from './config/resolve.js';
import { routerIssue } from './config/resolve.js';
import { ProxyConfigError } from './config/source.js';
import type { Exchange, ProxyState } from './context.js';
import { failBody } from './body.js';
import { errorBody, ShutdownError } from './errors.js';
import { Inflight } from './inflight.js';
import { KeyRing } from './keys.js';
import { consoleLogger, type ProxyLogger } from './log.js';
import { sendError } from './respond.js';
import { findRoute, methodNotAllowed, notFound, type Route } from './routes/index.js';
import { drain, type ShutdownReport } from './shutdown.js';

export interface ProxyOptions {
  config: ProxyConfig;
  /** Override `server.port` (0: a free port). */
  port?: number;
  /** Override `server.host`. */
  host?: string;
  /** Code-only router options merged over the config's (a shared `store`, `clock`, `random`, extra `hooks`). */
  routerOptions?: Partial<RouterOptions>;
  logger?: ProxyLogger;
}

export interface ProxyServer {
  /** `http://host:port` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly router: Router;
  readonly config: ProxyConfig;
  /** The configured aliases. */
  readonly aliases: readonly string[];
  /** Requests being served right now. */
  readonly inflight: number;
  readonly draining: boolean;
  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish within `drainTimeoutMs`
   * (default: the config's), abort the rest with an error, close every connection.
   * Does not close the router's upstream pools (`router.close()`) or flush telemetry.
   */
  shutdown(options?: { drainTimeoutMs?: number }): Promise<ShutdownReport>;
  /** Shutdown without waiting for in-flight requests. */
  close(): Promise<void>;
}

const SECRET_FIELD = /key|secret|token|password|credential/i;
const SECRET_HEADER = /auth|key|token|secret/i;

/** Every provider secret in the config (API keys, AWS keys, auth headers), to scrub from answers and logs. */
export function configSecrets(config: ProxyConfig): string[] {
  const out = new Set<string>();
  for (const m of config.router.models) {
    for (const [k, v] of Object.entries(m)) if (typeof v === 'string' && SECRET_FIELD.test(k) && v.length >= 6) out.add(v);
    for (const [k, v] of Object.entries(m.headers ?? {})) if (SECRET_HEADER.test(k) && v.length >= 6) out.add(v);
  }
  return [...out];
}

/** Builds the router of a config; a router configuration error names the file, path and line. */
export function buildRouter(config: ProxyConfig, extra: Partial<RouterOptions> = {}): Router {
  const options: RouterOptions = { ...config.router, ...extra };
  if (extra.hooks && config.router.hooks) {
    options.hooks = {
      preCall: [...(config.router.hooks.preCall ?? []), ...(extra.hooks.preCall ?? [])],
      postCall: [...(config.router.hooks.postCall ?? []), ...(extra.hooks.postCall ?? [])],
    };
  }
  try {
    const router = new Router(options);
    config.judge.bind(router);
    return router;
  } catch (err) {
    if (err instanceof ConfigError) throw new ProxyConfigError(config.source, [routerIssue(config.origin, err.message)]);
    throw err;
  }
}

function clientErrorResponse(err: NodeJS.ErrnoException): string {
  const [status, message, code] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'the request did not arrive in time', 'request_timeout']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'request headers too large', 'request_header_fields_too_large']
        : [400, 'malformed HTTP request', 'bad_request'];
  const body = errorBody(message, 'invalid_request_error', null, code);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** Sockets whose client error was handled: the parser repeats its error on every later read. */
const failedSockets = new WeakSet<Socket>();

/**
 * A request the HTTP parser could not read. With no answer pending, a JSON 4xx written raw and
 * the connection closed. With an answer pending (garbage after a complete request, or a body
 * whose chunked framing breaks), nothing more is read from the connection: the pending request
 * still gets its answer (a 400 from its body reader when the break was inside its body), with
 * `connection: close`, and the connection closes once it is sent.
 */
function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (failedSockets.has(socket)) return;
  failedSockets.add(socket);
  const pending = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || (pending && !err.code?.startsWith('HPE_'))) {
    socket.destroy();
    return;
  }
  if (!pending) {
    socket.end(clientErrorResponse(err));
    return;
  }
  socket.pause();
  if (!pending.headersSent) pending.shouldKeepAlive = false;
  const close = () => socket.destroySoon();
  pending.once('finish', close);
  pending.once('close', close);
  if (!pending.req.complete) failBody(pending.req);
}

async function serve(state: ProxyState, ex: Exchange, route: Route | undefined, path: string): Promise<void> {
  const method = ex.req.method ?? 'GET';
  if (!route) throw notFound(method, path);
  const handler = route.methods[method];
  if (!handler) {
    ex.res.setHeader('allow', route.allow);
    throw methodNotAllowed(method, route);
  }
  if (state.draining && !route.duringDrain) throw new ShutdownError();
  await handler(state, ex);
}

function accessLog(state: ProxyState, ex: Exchange): void {
  const done = () => {
    const ms = (performance.now() - ex.arrived).toFixed(1);
    const status = ex.res.writableFinished ? ex.res.statusCode : 'client-closed';
    state.log.info(`${ex.req.method} ${ex.route} ${status} key=${ex.key?.id ?? '-'} ${ms}ms`);
  };
  ex.res.once('close', done);
}

/** Starts the proxy; resolves once it listens. */
export async function startProxy(options: ProxyOptions): Promise<ProxyServer> {
  const config = options.config;
  const settings = { ...config.server };
  if (options.port !== undefined) settings.port = options.port;
  if (options.host !== undefined) settings.host = options.host;
  const router = buildRouter(config, options.routerOptions);
  const inflight = new Inflight();
  const state: ProxyState = {
    router,
    keys: new KeyRing(config.keys),
    settings,
    secrets: configSecrets(config),
    log: options.logger ?? consoleLogger,
    startedAt: Math.floor(Date.now() / 1000),
    ingress: { modelAliases: config.modelAliases ?? {}, enforceUserParam: config.enforceUserParam === true, ...(config.responsesTtlMs !== undefined ? { responsesTtlMs: config.responsesTtlMs } : {}) },
    draining: false,
  };

  const server = http.createServer(
    {
      maxHeaderSize: settings.maxHeaderBytes,
      headersTimeout: settings.headersTimeoutMs,
      // A backstop: the body reader answers 408 itself after requestTimeoutMs.
      requestTimeout: settings.requestTimeoutMs + settings.headersTimeoutMs + 1000,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 30_000,
    },
    (req, res) => {
      const arrived = performance.now();
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const route = findRoute(path);
      const ex: Exchange = { req, res, arrived, route: route?.name ?? path, call: inflight.begin(res) };
      if (settings.accessLog) accessLog(state, ex);
      serve(state, ex, route, path).catch((err: unknown) => {
        try {
          sendError(state, ex, err);
        } catch (e) {
          state.log.error(`tracegate proxy: could not answer ${req.method} ${ex.route}: ${(e as Error)?.message}`);
          res.destroy();
        }
      });
    },
  );
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.timeout = 0;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => onClientError(err, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => state.log.error(`tracegate proxy: server error: ${err.message}`));
  const port = (server.address() as AddressInfo).port;
  const host = settings.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let stopping: Promise<ShutdownReport> | undefined;
  const shutdown = (o: { drainTimeoutMs?: number } = {}) =>
    (stopping ??= drain(server, state, inflight, o.drainTimeoutMs ?? settings.drainTimeoutMs));

  return {
    url,
    host,
    port,
    router,
    config,
    aliases: router.aliases(),
    get inflight() {
      return inflight.size;
    },
    get draining() {
      return state.draining;
    },
    shutdown,
    close: async () => {
      await shutdown({ drainTimeoutMs: 0 });
    },
  };
}
