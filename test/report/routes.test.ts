/**
 * Route → provider distribution (primary observed or from --config, off-primary reasons), the
 * router/proxy/LiteLLM config reader, and cohort tables by any --by combination.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRouteConfig } from '../../src/report/config-file.js';
import { buildReport, parseDimensions } from '../../src/report/index.js';
import { synthLines, type SynthCall } from './helpers/synth.js';

let dir: string;
let traces: string;
const T0 = Date.UTC(2026, 1, 1);
const openai = { deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini' };
const gemini = { deployment: 'fast-gemini', provider: 'gemini', model: 'gemini-2.0-flash' };
const rogue = { deployment: 'fast-rogue', provider: 'openai', model: 'gpt-4o-mini' };
const accurate = { deployment: 'accurate-anthropic', provider: 'anthropic', model: 'claude-sonnet-4-5', route: 'support-accurate', fallbackDepth: 1 };
const fail = { errorType: 'rate_limit', status: 429 };

function calls(): SynthCall[] {
  const out: SynthCall[] = [];
  const add = (n: number, c: Omit<SynthCall, 'startMs' | 'latencyMs' | 'route'>): void => {
    for (let i = 0; i < n; i++) out.push({ route: 'support-fast', startMs: T0 + out.length * 100, latencyMs: 100, ...c, metadata: { tier: out.length % 2 ? 'free' : 'pro' } });
  };
  add(10, { attempts: [openai] }); // primary
  add(3, { attempts: [{ ...openai, ...fail }, gemini] }); // retry: primary failed, another deployment answered
  add(2, { attempts: [gemini] }); // drift: the router chose another deployment first
  add(1, { attempts: [rogue] }); // not in the config
  add(1, { attempts: [{ ...openai, ...fail }, { ...openai, ...fail }, accurate], fallbackAlias: 'support-accurate' }); // fallback
  add(1, { attempts: [{ ...openai, ...fail }, { ...openai, ...fail }] }); // failed
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracegate-routes-'));
  traces = join(dir, 'traces.jsonl');
  writeFileSync(traces, synthLines(calls()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('route → provider distribution', () => {
  it('observed primary: the deployment chosen most for the first attempt; reasons for the rest', async () => {
    const r = await buildReport({ traces, progress: false });
    const d = r.routes.find((x) => x.route === 'support-fast')!;
    expect(d.requests).toBe(18);
    expect(d.primary).toEqual({ deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', source: 'observed' });
    expect(d.targets.map((t) => [t.deployment, t.requests, t.primary])).toEqual([
      ['fast-openai', 10, true],
      ['fast-gemini', 5, false],
      ['accurate-anthropic', 1, false],
      ['fast-rogue', 1, false],
    ]);
    expect(d.offPrimary).toBe(7);
    expect(d.reasons).toEqual({ fallback: 1, retry: 3, drift: 3, unconfigured: 0 });
    expect(d.failed).toBe(1);
    expect(d.configured).toBeUndefined();
  });

  it('--config (router options): the configured primary, and targets not configured for the alias', async () => {
    const cfg = join(dir, 'router.yaml');
    writeFileSync(
      cfg,
      [
        'models:',
        '  - { name: support-fast, id: fast-gemini, provider: gemini, model: gemini-2.0-flash, apiKey: "${GEMINI_KEY}", priority: 1 }',
        '  - { name: support-fast, id: fast-openai, provider: openai, model: gpt-4o-mini, apiKey: "${OPENAI_KEY}" }',
        '  - { name: support-accurate, provider: anthropic, model: claude-sonnet-4-5 }',
        'fallbacks: { support-fast: [support-accurate] }',
      ].join('\n'),
    );
    const r = await buildReport({ traces, config: cfg, progress: false });
    const d = r.routes.find((x) => x.route === 'support-fast')!;
    expect(d.primary).toEqual({ deployment: 'fast-openai', provider: 'openai', model: 'gpt-4o-mini', source: 'config' });
    expect(d.configured).toEqual(['fast-gemini', 'fast-openai']);
    expect(d.targets.find((t) => t.deployment === 'fast-rogue')!.configured).toBe(false);
    expect(d.targets.find((t) => t.deployment === 'fast-gemini')!.configured).toBe(true);
    expect(d.reasons).toEqual({ fallback: 1, retry: 3, drift: 2, unconfigured: 1 });
  });

  it('reads the proxy examples (native and LiteLLM), a LiteLLM config and a nesting; rejects one without models', async () => {
    const native = await loadRouteConfig('examples/proxy/proxy.yaml');
    expect(native.aliases.get('support-fast')!.map((d) => d.id)).toEqual(['support-fast#0', 'support-fast#1']);
    const litellm = await loadRouteConfig('test/proxy/fixtures/litellm-config.yaml');
    expect(litellm.aliases.get('gpt-4o-mini')!.map((d) => d.id)).toEqual(['mini-1']);
    const lite = join(dir, 'litellm.yaml');
    writeFileSync(
      lite,
      [
        'model_list:',
        '  - model_name: support-fast',
        '    litellm_params: { model: openai/gpt-4o-mini, api_key: os.environ/OPENAI_API_KEY }',
        '  - model_name: support-fast',
        '    litellm_params: { model: gemini/gemini-2.0-flash, order: 2 }',
      ].join('\n'),
    );
    const c = await loadRouteConfig(lite);
    expect(c.aliases.get('support-fast')!.map((d) => [d.id, d.provider, d.model, d.priority])).toEqual([
      ['support-fast#0', 'openai', 'gpt-4o-mini', 0],
      ['support-fast#1', 'gemini', 'gemini-2.0-flash', 1],
    ]);
    const nested = join(dir, 'nested.json');
    writeFileSync(nested, JSON.stringify({ router: { models: [{ name: 'a', provider: 'openai', model: 'm' }] } }));
    expect([...(await loadRouteConfig(nested)).aliases.keys()]).toEqual(['a']);
    const none = join(dir, 'none.yaml');
    writeFileSync(none, 'server: { port: 1 }\n');
    await expect(loadRouteConfig(none)).rejects.toThrow(/no "models" list/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'models: [\n  - oops: : :\n');
    await expect(loadRouteConfig(broken)).rejects.toThrow(/not YAML or JSON/);
    await expect(loadRouteConfig(join(dir, 'missing.yaml'))).rejects.toThrow(/no such file/);
  });
});

describe('--by combinations', () => {
  it('a route × provider table and a metadata dimension', async () => {
    const r = await buildReport({ traces, by: [parseDimensions('route,provider'), parseDimensions('metadata.tier')], progress: false });
    expect(r.tables.map((t) => t.by)).toEqual([['route'], ['route', 'provider'], ['metadata.tier']]);
    const rp = r.tables[1]!.cohorts.map((c) => [c.label, c.requests]);
    expect(rp).toEqual([
      ['support-fast · openai', 12],
      ['support-fast · gemini', 5],
      ['support-fast · anthropic', 1],
    ]);
    expect(r.tables[2]!.cohorts.map((c) => [c.key['metadata.tier'], c.requests]).sort()).toEqual([
      ['free', 9],
      ['pro', 9],
    ]);
  });

  it('rejects unknown dimensions', () => {
    expect(() => parseDimensions('route,colour')).toThrow(/unknown dimension "colour"/);
    expect(() => parseDimensions(' , ')).toThrow(/at least one dimension/);
    expect(parseDimensions('alias, model')).toEqual(['route', 'model']);
  });
});
