/**
 * The Codex CLI (`@openai/codex`) completes `codex exec` through the proxy with a custom model
 * provider (`wire_api = "responses"`) and an Anthropic deployment behind the alias (the mock over
 * HTTP). Codex sends `developer` messages, function tools, a `namespace` tool and `web_search`:
 * the function tools reach Anthropic, web search as Anthropic's server tool, the namespace tool
 * is dropped and named on the call span; a
 * function call the model makes is run by Codex and its output comes back as
 * `function_call_output`.
 *
 * Codex ships a ~400 MB native binary, so it is not a devDependency: `npm run codex:install`
 * puts it in `.cache/codex` (CI does that), or set TRACEGATE_CODEX_BIN. Without it the test is
 * skipped with a message, and fails under CI.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTracing } from '../instrumentation/harness.js';
import { startStack, type Stack } from '../proxy/helpers.js';
import { ingressModels } from './helpers.js';

const CACHED = fileURLToPath(new URL('../../.cache/codex/node_modules/.bin/codex', import.meta.url));
const CODEX = process.env.TRACEGATE_CODEX_BIN ?? (existsSync(CACHED) ? CACHED : undefined);
const KEY = 'sk-client-codex-000006';

if (!CODEX) {
  const msg = 'codex CLI not installed: run `npm run codex:install` (or set TRACEGATE_CODEX_BIN) to run test/ingress/codex-cli.test.ts';
  if (process.env.CI) throw new Error(msg);
  console.warn(`SKIPPED: ${msg}`);
}

const h = CODEX ? setupTracing() : undefined;
let s: Stack;
let home: string;
let work: string;

function codex(prompt: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      CODEX!,
      ['exec', '--skip-git-repo-check', '--sandbox', 'read-only', prompt],
      { cwd: work, env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, TRACEGATE_KEY: KEY, NO_COLOR: '1' }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ).stdin?.end();
  });
}

describe.skipIf(!CODEX)('Codex CLI through the proxy (Responses API, Anthropic behind)', () => {
  beforeAll(async () => {
    s = await startStack((mock) => ({ models: ingressModels(mock), keys: [{ id: 'codex', key: KEY }], modelAliases: { '*': 'via-anthropic' } }));
    home = mkdtempSync(join(tmpdir(), 'tracegate-codex-home-'));
    work = mkdtempSync(join(tmpdir(), 'tracegate-codex-work-'));
    writeFileSync(
      join(home, 'config.toml'),
      [
        'model = "gpt-5-codex"',
        'model_provider = "tracegate"',
        '',
        '[model_providers.tracegate]',
        'name = "tracegate"',
        `base_url = "${s.proxy.url}/v1"`,
        'env_key = "TRACEGATE_KEY"',
        'wire_api = "responses"',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await s?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    h?.instrumentation.disable();
    await h?.provider.shutdown();
  });

  it('codex exec answers from the Anthropic deployment; developer messages and function tools and web search reach it, the namespace tool is dropped', async () => {
    s.mock.reset();
    h!.reset();
    s.mock.enqueue({ model: 'claude-sonnet-4-5' }, { kind: 'ok', reply: { text: 'Hello from tracegate.' } });
    const r = await codex('Say hello');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Hello from tracegate.');
    const call = s.mock.calls.find((c) => c.model === 'claude-sonnet-4-5')!;
    const body = call.body as { system?: unknown; tools?: { name: string }[]; messages: unknown[] };
    expect(JSON.stringify(body.system)).toMatch(/\S{20,}/);
    expect(body.tools?.length).toBeGreaterThan(0);
    const span = h!.spans().find((sp) => sp.attributes['tracegate.ingress.api'] === 'responses')!;
    const dropped = span.attributes['tracegate.ingress.dropped_tools'] as string[];
    expect(dropped.some((d) => d.startsWith('namespace'))).toBe(true);
    // Codex's web_search runs as Anthropic's server tool.
    expect(dropped.some((d) => d.startsWith('web_search'))).toBe(false);
    expect(body.tools).toContainEqual(expect.objectContaining({ type: 'web_search_20250305', name: 'web_search' }));
  });

  it('a function call round trip: Codex runs the tool and sends its output back', async () => {
    s.mock.reset();
    const first = await codex('Say hello');
    expect(first.code, first.stderr).toBe(0);
    const tools = ((s.mock.calls[0]?.body as { tools?: { name: string; input_schema?: { properties?: Record<string, unknown> } }[] }).tools ?? []).map((t) => t.name);
    const shell = tools.find((n) => n === 'exec_command' || n === 'shell');
    expect(shell, `function tools sent: ${tools.join(', ')}`).toBeDefined();
    s.mock.reset();
    // The output (6*7 = 42, "tool-ran-42") differs from the command text, so only running it gives it.
    const args = shell === 'exec_command' ? { cmd: 'echo tool-ran-$((6*7))' } : { command: ['sh', '-c', 'echo tool-ran-$((6*7))'] };
    s.mock.enqueue({ model: 'claude-sonnet-4-5' }, { kind: 'ok', reply: { toolCalls: [{ name: shell!, arguments: args }] } }, { kind: 'ok', reply: { text: 'The command printed it.' } });
    const r = await codex('Print six times seven');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('The command printed it.');
    const messages = (s.mock.calls[1]?.body as { messages: { role: string; content: unknown }[] }).messages;
    const results = messages.flatMap((m) => (Array.isArray(m.content) ? (m.content as { type: string; content?: unknown }[]) : [])).filter((b) => b.type === 'tool_result');
    expect(results).toHaveLength(1);
    expect(JSON.stringify(results[0]!.content)).toContain('tool-ran-42');
  });
});
