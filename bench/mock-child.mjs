// Runs `tracegate mock` in its own process for benches, so the server does not share the
// client's event loop. Prints `{"url": ..., "openai": ...}` on stdout once listening; answers
// `stats` on stdin (server-stats.mjs); exits when stdin closes.
import { startMockServer } from '../dist/esm/src/mock/index.js';
import { serveStats } from './server-stats.mjs';

const scenario = process.argv[2] ? JSON.parse(process.argv[2]) : undefined;
// Only the newest call records are kept: a long bench must not grow the mock's memory.
const mock = await startMockServer({ ...(scenario ? { scenario } : {}), maxCalls: 100 });
process.stdout.write(JSON.stringify({ url: mock.url, openai: mock.baseURL('openai') }) + '\n');
serveStats(() => mock.close());
