/** `startMockServer`: the fake provider server and its control surface for tests. */
import { resolve } from 'node:path';
import { matchesFilter, type CallFilter, type MockCallRecord } from './calls.js';
import { DIALECTS_BY_NAME } from './dialects/index.js';
import { failExchange, handleExchange } from './handler.js';
import { listen } from './listener.js';
import { loadScenarioFile, parseScenario, validate } from './scenario/load.js';
import { ruleMatchSchema, stepSchema, type DialectName, type RuleMatch, type Scenario, type Step } from './scenario/schema.js';
import { ScenarioState } from './scenario/state.js';
import { defaultFixturesDir } from './fixtures-dir.js';

export interface MockServerOptions {
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** A scenario object, or the path of a YAML/JSON scenario file. */
  scenario?: Scenario | string;
  /** Root of replay fixtures (`<family>/<name>.json` …); default `test/fixtures/providers` under the working directory. */
  fixturesDir?: string;
  /** Seed of the PRNG behind probabilistic faults; default the scenario's `seed`, else 1. */
  seed?: number;
  /** Called for each call once its status is sent, or once it ended without one (hang, client gone). */
  onCall?: (call: MockCallRecord) => void;
  /** Called when a call's connection closes before its answer was complete (the client went away); `closedEarlyAt` is set. */
  onClosedEarly?: (call: MockCallRecord) => void;
  /** Keep only the newest N call records (long chaos runs); default: keep all. */
  maxCalls?: number;
}

export interface MockServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** What a client's baseURL should be for a dialect. */
  baseURL(dialect: DialectName): string;
  /** Every request received, in order (live array; `reset()` empties it). */
  readonly calls: MockCallRecord[];
  count(filter?: CallFilter): number;
  /** Replaces the rules; resets sequence cursors, queued scripts and the PRNG. */
  setScenario(scenario: Scenario): void;
  /** Appends a one-shot script for matching requests, consumed one step per request (FIFO). */
  enqueue(match: RuleMatch, ...steps: Step[]): void;
  /** Clears calls, cursors and queued scripts (the scenario stays). */
  reset(): void;
  /** Stops listening and destroys every open connection, hanging requests included. */
  close(): Promise<void>;
}

export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const scenario = typeof options.scenario === 'string' ? await loadScenarioFile(options.scenario) : parseScenario(options.scenario ?? {});
  const state = new ScenarioState(scenario, options.seed);
  const calls: MockCallRecord[] = [];
  let seq = 0;
  const context = {
    state,
    calls,
    nextSeq: () => ++seq,
    fixturesDir: options.fixturesDir !== undefined ? resolve(options.fixturesDir) : defaultFixturesDir(),
    onCall: options.onCall,
    onClosedEarly: options.onClosedEarly,
    maxCalls: options.maxCalls,
  };
  const host = options.host ?? '127.0.0.1';
  const listener = await listen(host, options.port ?? 0, (ex) => {
    handleExchange(ex, context).catch((err: unknown) => failExchange(ex, err).catch(() => undefined));
  });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${listener.port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    port: listener.port,
    baseURL: (dialect) => {
      const entry = DIALECTS_BY_NAME[dialect];
      if (!entry) throw new Error(`unknown dialect "${String(dialect)}"`);
      return entry.baseURL(url);
    },
    calls,
    count: (filter = {}) => calls.filter((call) => matchesFilter(call, filter)).length,
    setScenario: (next) => state.replace(parseScenario(next)),
    enqueue: (match, ...steps) => {
      const parsedMatch = validate(ruleMatchSchema, match, 'enqueue match');
      state.enqueue(
        parsedMatch,
        steps.map((step, i) => validate(stepSchema, step, `enqueue step ${i}`)),
      );
    },
    reset: () => {
      calls.length = 0;
      seq = 0;
      state.resetCursors();
    },
    close: () => (closing ??= listener.close()),
  };
}
