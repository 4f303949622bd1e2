// Shared by the bench server children: answers `stats` lines on stdin with this process's CPU
// time and memory (current RSS, peak RSS, heap), and exits when stdin closes. `write` replaces
// process.stdout.write for a child whose server prints on stdout itself (portkey-child.mjs);
// `extra()` adds fields (the OTLP receiver's counts).
import { createInterface } from 'node:readline';

export function serveStats(onExit, { write = (s) => process.stdout.write(s), extra } = {}) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'stats') {
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      // resourceUsage().maxRSS is in KiB: the process's peak resident set so far.
      const maxRss = process.resourceUsage().maxRSS * 1024;
      write(JSON.stringify({ cpuUs: cpu.user + cpu.system, rss: mem.rss, maxRss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, ...extra?.() }) + '\n');
    }
  });
  process.stdin.on('end', () => Promise.resolve(onExit()).then(() => process.exit(0)));
}
