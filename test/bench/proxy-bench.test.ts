// Smoke test of the gateway bench (bench/proxy-overhead.mjs): it runs in --quick mode for a few
// seconds (30 requests per case) against real servers on 127.0.0.1 and writes a results file with a row for every mode,
// connection count and target, and a RESULTS.md. No timing assertion: only that each case was
// measured (answers were counted, none failed) and reported.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const out = mkdtempSync(path.join(tmpdir(), 'tracegate-bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run bench (quick mode)', () => {
  it('measures every target, mode and connection count and writes RESULTS.md', { timeout: 240_000 }, async () => {
    expect(existsSync(path.join(root, 'dist/esm/src/proxy/index.js')), 'run `npm run build` first').toBe(true);
    const args = ['bench/proxy-overhead.mjs', '--quick', '--out', out, '--requests', '30', '--no-import-cost'];
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, args, { cwd: root, timeout: 230_000, maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve())),
    );
    const results = JSON.parse(readFileSync(path.join(out, 'proxy-overhead.json'), 'utf8'));
    const targets = ['direct', 'passthrough', 'proxy', 'proxyTraced'];
    expect(Object.keys(results.targets)).toEqual(targets);
    expect(results.skipped.portkey).toMatch(/quick/);
    const cases = results.results.map((r: { mode: string; connections: number }) => `${r.mode}@${r.connections}`);
    expect(cases).toEqual(['chat@1', 'chat@10', 'chat@50', 'stream@1', 'stream@10', 'stream@50']);
    for (const row of results.results) {
      for (const name of targets) {
        const t = row.targets[name];
        expect(t.requests, `${name} ${row.mode}@${row.connections}`).toBeGreaterThan(0);
        expect(t.non2xx, `${name} ${row.mode}@${row.connections}`).toBe(0);
        for (const k of ['requestsPerSec', 'p50Ms', 'p90Ms', 'p99Ms', 'cpuUsPerRequest', 'rssMb']) expect(typeof t[k], `${name} ${k}`).toBe('number');
        if (row.mode === 'stream') expect(typeof t.ttfbP50Ms).toBe('number');
        if (name !== 'direct') expect(typeof t.addedP50Ms).toBe('number');
      }
    }
    for (const name of ['passthrough', 'proxy', 'proxyTraced']) {
      expect(results.coldStart[name].coldStartMs).toBeGreaterThan(0);
      expect(results.coldStart[name].idleRssMb).toBeGreaterThan(0);
      expect(results.peakRssMb[name]).toBeGreaterThan(0);
    }
    // The traced proxy really exported its spans over OTLP to the local receiver.
    expect(results.otlpReceiver.exportRequests).toBeGreaterThan(0);
    const md = readFileSync(path.join(out, 'RESULTS.md'), 'utf8');
    for (const label of Object.values(results.targets) as string[]) expect(md).toContain(label);
    expect(md).toContain('## Targets (issue 20)');
    expect(md).toContain(results.machine.cpuModel);
  });
});
