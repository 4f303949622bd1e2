// Shared by the bench server children: answers `stats` lines on stdin with this process's CPU
// time and memory (current RSS, peak RSS, heap), and exits when stdin closes. `write` replaces
// process.stdout.write for a child whose server prints on stdout itself (portkey-child.mjs);
// `extra()` adds fields (the OTLP receiver's counts). `stats gc` first runs a full GC (with --expose-gc). For bench/profile-proxy.mjs it also answers
// `cpu-start`, `cpu-stop <file>` (a CPU profile of the window in between), `alloc-start`,
// `alloc-stop <file>` (a sampling profile of everything allocated in between, collected or not)
// and `heap <file>` (a heap snapshot after a full GC), each with `{"ok": true}`.
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { writeHeapSnapshot } from 'node:v8';

let session;
async function inspectorPost(method, params) {
  if (!session) {
    const { Session } = await import('node:inspector');
    session = new Session();
    session.connect();
  }
  return new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
}

async function control(cmd, arg) {
  if (cmd === 'cpu-start') {
    await inspectorPost('Profiler.enable');
    await inspectorPost('Profiler.setSamplingInterval', { interval: 200 });
    await inspectorPost('Profiler.start');
  } else if (cmd === 'cpu-stop') {
    const { profile } = await inspectorPost('Profiler.stop');
    writeFileSync(arg, JSON.stringify(profile));
  } else if (cmd === 'alloc-start') {
    await inspectorPost('HeapProfiler.enable');
    await inspectorPost('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  } else if (cmd === 'alloc-stop') {
    const { profile } = await inspectorPost('HeapProfiler.stopSampling');
    writeFileSync(arg, JSON.stringify(profile));
  } else if (cmd === 'heap') {
    globalThis.gc?.();
    writeHeapSnapshot(arg);
  } else return false;
  return true;
}

export function serveStats(onExit, { write = (s) => process.stdout.write(s), extra } = {}) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [cmd, arg] = line.trim().split(' ');
    // `stats gc`: after a full GC when the process runs with --expose-gc (what is retained, not what awaits collection).
    if (cmd === 'stats' && arg === 'gc') globalThis.gc?.();
    if (cmd !== 'stats') {
      control(cmd, arg).then(
        (known) => known && write(JSON.stringify({ ok: true }) + '\n'),
        (err) => write(JSON.stringify({ ok: false, error: String(err) }) + '\n'),
      );
    } else {
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      // resourceUsage().maxRSS is in KiB: the process's peak resident set so far.
      const maxRss = process.resourceUsage().maxRSS * 1024;
      write(JSON.stringify({ cpuUs: cpu.user + cpu.system, rss: mem.rss, maxRss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, ...extra?.() }) + '\n');
    }
  });
  process.stdin.on('end', () => Promise.resolve(onExit()).then(() => process.exit(0)));
}
