/**
 * What each public entry point loads, in a fresh node process per entry and module system (the
 * built package, both builds): `tracegate` loads the router and what a call needs, not the proxy,
 * the mock, yaml, ajv, the evaluators or OpenTelemetry; `tracegate/register` loads no provider
 * adapter and no undici. A new eager import of one of these makes this test fail (no timing here:
 * bench/import-cost.mjs measures the cost).
 */
import { execFileSync } from 'node:child_process';
import { sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadedModules } from '../../bench/entry-modules.mjs';
import { ensureBuilt, ROOT } from '../helpers/build.js';

beforeAll(() => ensureBuilt(), 120_000);

/** Paths with `/` separators: a package as `node_modules/<name>/`, our files as `dist/<build>/<path>`. */
function load(specifier: string, mode: 'esm' | 'cjs'): string[] {
  return loadedModules(specifier, { mode }).map((f) => f.split(sep).join('/'));
}

const pkg = (name: string): [string, RegExp] => [name, new RegExp(`/node_modules/${name.replace('/', '\\/')}/`)];
const own = (path: string): [string, RegExp] => [path, new RegExp(`/dist/(esm|cjs)/${path}`)];

const NOT_FOR_A_ROUTER: [string, RegExp][] = [
  pkg('yaml'),
  pkg('ajv'),
  pkg('ioredis'),
  pkg('@aws-sdk'),
  pkg('@opentelemetry'),
  own('src/proxy/'),
  own('src/mock/'),
  own('src/evals/'),
  own('src/report/'),
  own('src/cli/'),
  own('instrumentations/'),
  // loaded by the first call (src/http/dispatcher.ts)
  pkg('undici'),
  // the Responses API translation, loaded by the first router.responses.create
  own('src/wire/responses/'),
  own('src/router/ingress/responses-call'),
  // the semantic cache's index, loaded by a router that has a semantic cache
  ['the semantic cache index', /\/dist\/(esm|cjs)\/src\/router\/semantic-cache\/(store|namespace|hnsw)\.js$/],
  // request encoders of the non-OpenAI families, loaded when a deployment of the family is built
  ['a request encoder (anthropic, gemini, bedrock)', /\/dist\/(esm|cjs)\/src\/providers\/(anthropic\/request|gemini\/request|gemini\/schema|bedrock\/request|bedrock\/sigv4)\.js$/],
];

/**
 * What tracing needs from tracegate is the channels (and, for the SDK instrumentations, the
 * adapters' decoders); exporters load on first export. No adapter, no zod.
 */
const NOT_FOR_TRACING: [string, RegExp][] = [
  pkg('undici'),
  pkg('zod'),
  ['a provider adapter', /\/dist\/(esm|cjs)\/src\/providers\/(builtin|azure|openai[^/]*|(anthropic|gemini|bedrock)\/index)\.js$/],
  pkg('yaml'),
  pkg('ajv'),
  ['an OTLP exporter package', /\/node_modules\/@opentelemetry\/(exporter-[^/]*otlp[^/]*|otlp-exporter-base|otlp-grpc-exporter-base)\//],
  pkg('@grpc/grpc-js'),
  own('src/router/'),
  own('src/proxy/'),
  own('src/mock/'),
  own('src/evals/'),
];

/**
 * The proxy server from code: yaml loads with the first config parsed from text, ajv with the
 * first JSON Schema guardrail (src/load-sync.ts); undici with the first router (preloaded when
 * one is built).
 */
const NOT_FOR_A_PROXY_IMPORT: [string, RegExp][] = [
  pkg('yaml'),
  pkg('ajv'),
  pkg('ioredis'),
  pkg('@aws-sdk'),
  pkg('@opentelemetry'),
  pkg('undici'),
  own('src/mock/'),
  own('src/report/'),
  own('src/cli/'),
  own('instrumentations/'),
  // the Anthropic Messages and Responses ingress translators, loaded by their first request
  own('src/wire/messages/'),
  own('src/wire/responses/'),
  own('src/proxy/routes/messages'),
];

const ENTRIES: { entry: string; loads: string; mustNotLoad: [string, RegExp][] }[] = [
  { entry: 'tracegate', loads: 'dist/(esm|cjs)/src/router/router.js', mustNotLoad: NOT_FOR_A_ROUTER },
  { entry: 'tracegate/register', loads: 'dist/(esm|cjs)/instrumentations/setup.js', mustNotLoad: NOT_FOR_TRACING },
  { entry: 'tracegate/instrumentation', loads: 'dist/(esm|cjs)/instrumentations/instrumentation.js', mustNotLoad: NOT_FOR_TRACING },
  { entry: 'tracegate/semconv', loads: 'dist/(esm|cjs)/semconv/index.js', mustNotLoad: [...NOT_FOR_A_ROUTER, pkg('zod'), pkg('undici'), own('src/')] },
  { entry: 'tracegate/proxy', loads: 'dist/(esm|cjs)/src/proxy/server.js', mustNotLoad: NOT_FOR_A_PROXY_IMPORT },
  // yaml loads with the first scenario file read (loadScenarioFile), not with the mock.
  { entry: 'tracegate/mock', loads: 'dist/(esm|cjs)/src/mock/server.js', mustNotLoad: [own('src/providers/'), own('src/router/'), own('src/proxy/'), pkg('undici'), pkg('ajv'), pkg('yaml'), pkg('@opentelemetry')] },
  // ajv loads with the first JSON Schema compiled, yaml with the first eval spec file read.
  { entry: 'tracegate/evals', loads: 'dist/(esm|cjs)/src/evals/json-schema.js', mustNotLoad: [pkg('ajv'), pkg('yaml'), pkg('undici'), pkg('@opentelemetry'), own('src/proxy/'), own('src/mock/'), own('src/cli/')] },
];

describe('entry points load only what they need', () => {
  for (const { entry, loads, mustNotLoad } of ENTRIES) {
    for (const mode of ['esm', 'cjs'] as const) {
      it(`${mode === 'esm' ? 'import' : 'require'}('${entry}')`, () => {
        const files = load(entry, mode);
        expect(files.some((f) => new RegExp(`/${loads}$`).test(f))).toBe(true);
        // Only this build's copy of tracegate is loaded (one copy of each module per build).
        const build = `${ROOT}dist/${mode}/`;
        expect(files.filter((f) => f.startsWith(`${ROOT}dist/`) && !f.startsWith(build))).toEqual([]);
        const found = mustNotLoad.flatMap(([name, re]) => (files.some((f) => re.test(f)) ? [name] : []));
        expect(found, `${entry} (${mode}) loads ${found.join(', ')}`).toEqual([]);
      });
    }
  }

  it('the listing sees a heavy module where one is loaded (tracegate/proxy loads zod)', () => {
    for (const mode of ['esm', 'cjs'] as const) {
      const files = load('tracegate/proxy', mode);
      expect(files.some((f) => f.includes('/node_modules/zod/'))).toBe(true);
      expect(files.some((f) => /\/dist\/(esm|cjs)\/src\/proxy\/server\.js$/.test(f))).toBe(true);
    }
  });

  it('a family\'s request encoder loads when a deployment of that family is built, not before', async () => {
    const script = `
const { Router } = require('tracegate');
const loaded = (re) => Object.keys(require.cache).some((f) => re.test(f.split(require('node:path').sep).join('/')));
const out = { before: loaded(/providers\\/anthropic\\/request\\.js$/) };
new Router({ models: [{ name: 'a', provider: 'anthropic', model: 'claude-x', apiKey: 'sk-ant-test-0000' }] });
(async () => {
  for (let i = 0; i < 200 && !loaded(/providers\\/anthropic\\/request\\.js$/); i++) await new Promise((r) => setTimeout(r, 5));
  out.anthropic = loaded(/providers\\/anthropic\\/request\\.js$/);
  out.gemini = loaded(/providers\\/gemini\\/request\\.js$/);
  out.bedrock = loaded(/providers\\/bedrock\\/request\\.js$/);
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})();`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }));
    expect(out).toEqual({ before: false, anthropic: true, gemini: false, bedrock: false });
  });
});
