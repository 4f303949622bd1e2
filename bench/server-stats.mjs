// Shared by the bench server children: answers `stats` lines on stdin with this process's CPU
// time and memory, and exits when stdin closes.
import { createInterface } from 'node:readline';

export function serveStats(onExit) {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'stats') {
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      process.stdout.write(JSON.stringify({ cpuUs: cpu.user + cpu.system, rss: mem.rss, heapUsed: mem.heapUsed }) + '\n');
    }
  });
  process.stdin.on('end', () => Promise.resolve(onExit()).then(() => process.exit(0)));
}
