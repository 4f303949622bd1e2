/**
 * `tracegate proxy --config FILE`: run the OpenAI-compatible proxy until SIGTERM/SIGINT, then
 * drain (in-flight requests finish within `server.drainTimeoutMs`), flush telemetry and exit 0.
 * Startup errors (bad config with file:line and path, missing environment variable, port in
 * use) exit 1; a bad option exits 2.
 */
import { readFileSync } from 'node:fs';
import { buildRouter, hashKey, loadProxyConfig, ProxyConfigError, startProxy, type KeySpec, type ProxyServer } from '../../proxy/index.js';
import type { ProxyLogger } from '../../proxy/log.js';
import { parseCommandArgs, parsePort, UsageError } from '../args.js';
import type { Command } from '../main.js';
import { startTelemetry, type TelemetryHandle } from '../telemetry.js';

export const HELP = `usage: tracegate proxy --config FILE [options]

Runs an OpenAI-compatible server (POST /v1/chat/completions, POST /v1/embeddings,
GET /v1/models, GET /health/liveness, GET /health/readiness) that routes every call
through the tracegate router: aliases, retries, fallbacks, breakers, budgets, rate limits,
virtual keys. Stop with Ctrl-C (SIGINT) or SIGTERM: in-flight requests are drained first.

options:
  --config FILE   config file, YAML or JSON: tracegate's own format, or LiteLLM's
                  config.yaml (model_list, router_settings, litellm_settings, ...)
  --port N        port to listen on (overrides server.port; default 4000; 0 = a free port)
  --host H        address to bind (overrides server.host; default 127.0.0.1)
  --check         validate the config (router included) and exit without listening
  --skip-unsupported
                  leave out (with a warning) LiteLLM deployments whose provider tracegate
                  does not have, instead of refusing to start
  --allow-ignored-security-settings
                  start even when a LiteLLM setting that blocks or meters (a guardrail,
                  budget, limit or auth setting tracegate does not have) would be ignored
  --hash-key      read a client key on stdin and print its "sha256:..." form (for keyHash)
  -h, --help      show this help

Secrets come from the environment: \${NAME}, \${NAME:-default} or os.environ/NAME in the file.
Traces: the file's telemetry section, else the standard OTEL_* variables. See docs/proxy.md.`;

export interface ProxyCommandIO {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** Resolves with the name of the signal that should stop the server. */
  waitForStop(): Promise<string>;
  /** Reads stdin (for --hash-key). */
  readStdin(): string;
}

const processIO: ProxyCommandIO = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  waitForStop: () =>
    new Promise((resolve) => {
      const stop = (signal: string) => {
        // A second signal while draining stops at once.
        process.once('SIGINT', () => process.exit(130));
        process.once('SIGTERM', () => process.exit(143));
        resolve(signal);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    }),
  readStdin: () => readFileSync(0, 'utf8'),
};

function logger(io: ProxyCommandIO): ProxyLogger {
  return { info: io.out, warn: io.err, error: io.err };
}

function describeKeys(keys: readonly KeySpec[]): string {
  const clientKeys = keys.filter((k) => !k.master).length;
  const master = keys.some((k) => k.master);
  return keys.length
    ? `${clientKeys} virtual key${clientKeys === 1 ? '' : 's'}${master ? ' + master key' : ''}`
    : 'auth off: no keys configured, any client can call (bind to 127.0.0.1 or add keys)';
}

function formatName(format: 'native' | 'litellm'): string {
  return format === 'litellm' ? 'LiteLLM format' : 'tracegate format';
}

function describeStore(store: object): string {
  return (store as { description?: string }).description ?? 'in memory (this process only; use store.redis to share limits between instances)';
}

function startupLines(proxy: ProxyServer, telemetry: TelemetryHandle): string[] {
  return [
    `tracegate proxy listening on ${proxy.url} (OpenAI base URL ${proxy.url}/v1)`,
    `  config   ${proxy.config.source} (${formatName(proxy.config.format)})`,
    `  aliases  ${proxy.aliases.join(', ')}`,
    `  keys     ${describeKeys(proxy.config.keys)}`,
    `  state    ${describeStore(proxy.router.store)}`,
    `  traces   ${telemetry.description}`,
  ];
}

function describeListenError(err: NodeJS.ErrnoException, host: string, port: number): string | undefined {
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (choose another --port, or 0 for a free one)`;
    case 'EACCES':
      return `not allowed to listen on ${host}:${port}`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot bind address ${host}`;
    default:
      return undefined;
  }
}

export async function runProxy(argv: string[], io: ProxyCommandIO = processIO): Promise<number> {
  let values;
  try {
    ({ values } = parseCommandArgs(argv, {
      config: { type: 'string', short: 'c' },
      port: { type: 'string' },
      host: { type: 'string' },
      check: { type: 'boolean' },
      'skip-unsupported': { type: 'boolean' },
      'allow-ignored-security-settings': { type: 'boolean' },
      'hash-key': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    }));
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    if (values['hash-key']) {
      const key = io.readStdin().replace(/\r?\n$/, '');
      if (!key) throw new UsageError('--hash-key reads the key on stdin, e.g. `printf %s "$KEY" | tracegate proxy --hash-key`');
      io.out(hashKey(key));
      return 0;
    }
    if (typeof values.config !== 'string') throw new UsageError('--config FILE is required');
    if (values.port !== undefined) parsePort(values.port, 0);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`tracegate proxy: ${err.message}\n\n${HELP}`);
    return 2;
  }

  let config;
  try {
    config = await loadProxyConfig(values.config as string, {
      env: io.env,
      skipUnsupported: values['skip-unsupported'] === true,
      allowIgnoredSecurity: values['allow-ignored-security-settings'] === true,
    });
  } catch (err) {
    if (!(err instanceof ProxyConfigError)) throw err;
    io.err(`tracegate proxy: ${err.message}`);
    return 1;
  }
  for (const w of config.warnings) io.err(`tracegate proxy: warning: ${w}`);
  const port = values.port !== undefined ? parsePort(values.port, 0) : config.server.port;
  const host = typeof values.host === 'string' ? values.host : config.server.host;

  if (values.check) {
    try {
      const router = buildRouter(config);
      io.out(`tracegate proxy: config OK: ${config.source} (${formatName(config.format)}); aliases ${router.aliases().join(', ')}; ${describeKeys(config.keys)}`);
      return 0;
    } catch (err) {
      if (!(err instanceof ProxyConfigError)) throw err;
      io.err(`tracegate proxy: ${err.message}`);
      return 1;
    }
  }

  const telemetry = await startTelemetry(config.telemetry, io.env, (line) => io.err(`tracegate proxy: ${line}`));
  let proxy: ProxyServer;
  try {
    proxy = await startProxy({ config, port, host, logger: logger(io) });
  } catch (err) {
    await telemetry.shutdown();
    if (err instanceof ProxyConfigError) {
      io.err(`tracegate proxy: ${err.message}`);
      return 1;
    }
    const message = describeListenError(err as NodeJS.ErrnoException, host, port);
    if (!message) throw err;
    io.err(`tracegate proxy: ${message}`);
    return 1;
  }
  for (const line of startupLines(proxy, telemetry)) io.out(line);

  const signal = await io.waitForStop();
  io.out(`tracegate proxy: ${signal}: draining (up to ${config.server.drainTimeoutMs} ms)`);
  const report = await proxy.shutdown();
  await proxy.router.close();
  await telemetry.shutdown();
  io.out(`tracegate proxy stopped (${signal}): ${report.completed} in-flight request(s) completed, ${report.aborted} aborted`);
  return 0;
}

export const command: Command = {
  summary: 'run the OpenAI-compatible proxy from a config file',
  async run(argv) {
    const code = await runProxy(argv);
    // Whatever handle might linger (an exporter retrying), the drain is over: exit soon.
    setTimeout(() => process.exit(code), 1000).unref();
    return code;
  },
};
