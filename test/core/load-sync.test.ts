/**
 * yaml and ajv load on first use (src/load-sync.ts), not when `tracegate/proxy`, `tracegate/evals`
 * or `tracegate/mock` is imported (test/core/entry-footprint.test.ts checks that side). This
 * checks the other side on the built package, in both builds: the synchronous functions that
 * need them still work (a YAML config parsed by `parseProxyConfig`, JSON Schemas of each draft
 * compiled and applied by `JsonSchemaValidation`), and afterwards the process holds exactly one
 * copy of each package (the ESM build's `require` resolves the file `import` would).
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/build.js';

beforeAll(() => ensureBuilt(), 120_000);

const BODY = `
const out = {};
const cfg = proxy.parseProxyConfig('models:\\n  - name: fast\\n    provider: openai\\n    model: gpt-4o-mini\\n    apiKey: sk-test-0000\\n', 'inline.yaml', { env: {} });
out.aliases = cfg.router.models.map((m) => m.name);
try { proxy.parseProxyConfig('models: [\\n', 'bad.yaml', { env: {} }); } catch (err) { out.badYaml = err.constructor.name + ': ' + err.message.split('\\n')[1].trim(); }
const answer = (text) => ({ choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] });
for (const draft of ['', 'https://json-schema.org/draft/2019-09/schema', 'https://json-schema.org/draft/2020-12/schema']) {
  const ev = evals.JsonSchemaValidation({ schema: { ...(draft ? { $schema: draft } : {}), type: 'object', required: ['price'], properties: { price: { type: 'number' } } } });
  const good = await ev.evaluate({ response: answer('{"price": 3}') });
  const bad = await ev.evaluate({ response: answer('{"price": "3"}') });
  (out.scores ??= []).push([good.score, bad.score, bad.explanation]);
}
try { evals.JsonSchemaValidation({ schema: { type: 'nope' } }); } catch (err) { out.badSchema = err.constructor.name; }
const files = Object.keys(createRequire(process.cwd() + '/x.js').cache);
out.yamlCopies = new Set(files.filter((f) => f.includes('/node_modules/yaml/dist/index.js'))).size;
out.ajvCopies = new Set(files.filter((f) => /\\/node_modules\\/ajv\\/dist\\/ajv\\.js$/.test(f))).size;
process.stdout.write(JSON.stringify(out));
`;

function run(mode: 'esm' | 'cjs'): Record<string, unknown> {
  const script =
    mode === 'esm'
      ? `import { createRequire } from 'node:module'; const proxy = await import('tracegate/proxy'); const evals = await import('tracegate/evals'); ${BODY}`
      : `const { createRequire } = require('node:module'); const proxy = require('tracegate/proxy'); const evals = require('tracegate/evals'); (async () => { ${BODY} })();`;
  const args = mode === 'esm' ? ['--input-type=module', '-e', script] : ['-e', script];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }));
}

describe('yaml and ajv load on first use, in both builds', () => {
  for (const mode of ['esm', 'cjs'] as const) {
    it(mode, () => {
      const out = run(mode);
      expect(out.aliases).toEqual(['fast']);
      expect(out.badYaml).toMatch(/^ProxyConfigError: bad\.yaml:\d+: not valid YAML\/JSON/);
      for (const [good, bad, explanation] of out.scores as [number, number, string][]) {
        expect(good).toBe(1);
        expect(bad).toBe(0);
        expect(explanation).toContain('/price');
      }
      expect((out.scores as unknown[]).length).toBe(3);
      expect(out.badSchema).toBe('ConfigError');
      expect(out.yamlCopies).toBe(1);
      expect(out.ajvCopies).toBe(1);
    });
  }
});
