/**
 * `tracegate mock`: run the fake provider server until SIGINT/SIGTERM.
 * Loads only the mock (no OpenTelemetry SDK).
 */
import { startMockServer, MOCK_DIALECTS, MockScenarioError, type MockCallRecord } from '../../mock/index.js';
import type { Command } from '../main.js';
import { parseCommandArgs, parsePort, UsageError } from '../args.js';

export const DEFAULT_MOCK_PORT = 8787;

export const HELP = `usage: tracegate mock [options]

Runs fake LLM providers (OpenAI, Azure OpenAI, Anthropic, Gemini, Bedrock) on one port,
with scripted faults. Stop with Ctrl-C (SIGINT) or SIGTERM.

options:
  --port N          port to listen on (default ${DEFAULT_MOCK_PORT}; 0 picks a free port)
  --host H          address to bind (default 127.0.0.1)
  --scenario FILE   YAML or JSON scenario: rules, fault sequences, probabilistic faults
  --fixtures DIR    root of replay fixtures (default test/fixtures/providers)
  --seed N          seed for probabilistic faults (same seed, same choices)
  --quiet           do not print a line per call
  -h, --help        show this help

Per-request control headers: x-mock-fault, x-mock-reply, x-mock-fixture (see docs/mock.md).`;

export interface MockCommandIO {
  out(line: string): void;
  err(line: string): void;
  /** Resolves with the name of the signal that should stop the server. */
  waitForStop(): Promise<string>;
}

const processIO: MockCommandIO = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  waitForStop: () =>
    new Promise((resolve) => {
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      const stop = (signal: string) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        resolve(signal);
      };
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    }),
};

function parseSeed(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n)) throw new UsageError(`--seed must be an integer, got "${String(value)}"`);
  return n;
}

function describeCall(call: MockCallRecord): string {
  const what = [call.dialect, call.operation, call.model || '-', call.stream ? 'stream' : ''].filter(Boolean).join(' ');
  const fault = call.fault ? ` ${call.fault}` : '';
  return `#${call.seq} ${call.method} ${call.path} → ${what}: ${call.status || 'no status'}${fault}`;
}

export async function runMock(argv: string[], io: MockCommandIO = processIO): Promise<number> {
  let options;
  let served = 0;
  try {
    const { values } = parseCommandArgs(argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      fixtures: { type: 'string' },
      seed: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const seed = parseSeed(values.seed);
    options = {
      port: parsePort(values.port, DEFAULT_MOCK_PORT),
      host: typeof values.host === 'string' ? values.host : '127.0.0.1',
      ...(typeof values.scenario === 'string' ? { scenario: values.scenario } : {}),
      ...(typeof values.fixtures === 'string' ? { fixturesDir: values.fixtures } : {}),
      ...(seed !== undefined ? { seed } : {}),
      maxCalls: 10_000,
      onCall: (call: MockCallRecord) => {
        served++;
        if (!values.quiet) io.out(describeCall(call));
      },
      onClosedEarly: (call: MockCallRecord) => {
        if (!values.quiet) io.out(`#${call.seq} connection closed before the answer was complete`);
      },
    };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`tracegate mock: ${err.message}\n\n${HELP}`);
    return 2;
  }

  let server;
  try {
    server = await startMockServer(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof MockScenarioError) io.err(`tracegate mock: bad scenario: ${err.message}`);
    else if (code === 'EADDRINUSE') io.err(`tracegate mock: port ${options.port} on ${options.host} is already in use (choose another --port, or 0 for a free one)`);
    else if (code === 'EACCES') io.err(`tracegate mock: not allowed to listen on ${options.host}:${options.port}`);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') io.err(`tracegate mock: cannot bind address ${options.host}`);
    else throw err;
    return 1;
  }

  io.out(`tracegate mock listening on ${server.url}`);
  for (const dialect of MOCK_DIALECTS) io.out(`  ${dialect.padEnd(10)} baseURL ${server.baseURL(dialect)}`);
  if (options.scenario) io.out(`  scenario   ${options.scenario}`);
  const signal = await io.waitForStop();
  await server.close();
  io.out(`tracegate mock stopped (${signal}); ${served} calls served`);
  return 0;
}

export const command: Command = {
  summary: 'run fake LLM providers (OpenAI, Azure, Anthropic, Gemini, Bedrock) with scripted faults',
  run: (argv) => runMock(argv),
};
