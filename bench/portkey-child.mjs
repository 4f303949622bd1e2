// The Portkey gateway (installed by the bench into .cache/bench-portkey, not a project
// dependency) in its own process for the proxy bench: runs its Node server in this process on a
// free port (headless), with its console output silenced so that stdout carries only this
// child's `{"url": ...}` line and `stats` answers (server-stats.mjs).
// argv: <portkey package dir> <port>
import { pathToFileURL } from 'node:url';
import { serveStats } from './server-stats.mjs';

const [dir, port] = process.argv.slice(2);
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
for (const k of ['log', 'info', 'clear', 'warn']) console[k] = () => {};
process.argv = [process.argv[0], 'start-server.js', `--port=${port}`, '--headless'];
write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n');
serveStats(() => process.exit(0), { write });
await import(pathToFileURL(`${dir}/build/start-server.js`).href);
