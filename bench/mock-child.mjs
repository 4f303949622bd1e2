// Runs `tracegate mock` in its own process for benches, so the server does not share the
// client's event loop. Prints `{"url": ...}` on stdout once listening; exits when stdin closes.
import { startMockServer } from '../dist/esm/src/mock/index.js';

const scenario = process.argv[2] ? JSON.parse(process.argv[2]) : undefined;
const mock = await startMockServer(scenario ? { scenario } : {});
process.stdout.write(JSON.stringify({ url: mock.url, openai: mock.baseURL('openai') }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => mock.close().then(() => process.exit(0)));
