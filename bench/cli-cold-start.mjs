// Cold start of the CLI as users run it: `tracegate proxy --config config.yaml` with a
// LiteLLM-style file (one OpenAI model on the bench mock, a master key), spawn -> first 200
// chat answer (node:http client, so the measuring side loads nothing heavy). Each directory
// given is a built tracegate checkout (default: this one); rounds interleave them, order
// alternating; medians. Writes bench/results/cli-cold-start.json.
//   node bench/cli-cold-start.mjs [--rounds 7] [DIR ...]
import { machine, startMockChild, writeResults } from './lib.mjs';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const ri = argv.indexOf('--rounds');
const ROUNDS = ri >= 0 ? Number(argv[ri + 1]) : 7;
const given = argv.filter((a, i) => a !== '--rounds' && argv[i - 1] !== '--rounds');
const dirs = given.length ? given : [fileURLToPath(new URL('..', import.meta.url))];
const mock = await startMockChild();
const tmp = mkdtempSync(join(tmpdir(), 'tracegate-cli-cold-'));
const cfg = join(tmp, 'config.yaml');
writeFileSync(cfg, `model_list:\n  - model_name: bench\n    litellm_params:\n      model: openai/gpt-4o-mini\n      api_base: ${mock.openai}\n      api_key: sk-bench-provider-000\ngeneral_settings:\n  master_key: sk-bench-client-0001\n`);
const post = (url) => new Promise((resolve, reject) => {
  const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: 'hi' }] });
  const req = http.request(url + '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-client-0001', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
  req.on('error', reject); req.end(body);
});
const res = Object.fromEntries(dirs.map((d) => [d, []]));
for (let round = 0; round < ROUNDS; round++) for (const d of round % 2 ? [...dirs].reverse() : dirs) {
  const t0 = performance.now();
  const c = spawn(process.execPath, [`${d}/bin/tracegate.cjs`, 'proxy', '--config', cfg, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  let out = '';
  const url = await new Promise((resolve, reject) => { const on = (b) => { out += b; const m = out.match(/http:\/\/127\.0\.0\.1:\d+/); if (m) resolve(m[0]); }; c.stdout.on('data', on); c.stderr.on('data', on); c.on('exit', () => reject(new Error(out))); setTimeout(() => reject(new Error(`no listening line within 30 s: ${out}`)), 30_000).unref(); });
  const status = await post(url);
  res[d].push([performance.now() - t0, status]);
  c.kill('SIGKILL'); await new Promise((r) => c.on('exit', r));
}
const rows = dirs.map((d) => {
  const ms = res[d].map((r) => r[0]).sort((a, b) => a - b);
  return { dir: d, coldStartMs: Math.round(ms[ms.length >> 1]), runs: res[d].map((r) => Math.round(r[0])), statuses: [...new Set(res[d].map((r) => r[1]))] };
});
for (const r of rows) console.log(`${r.dir}: median ${r.coldStartMs} ms (${r.runs.join(' ')}), status ${r.statuses.join(',')}`);
writeResults('cli-cold-start', { rounds: ROUNDS, rows, machine: machine() });
rmSync(tmp, { recursive: true, force: true });
await mock.close();
