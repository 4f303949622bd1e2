// Issue 11 (proxy side), in process: the cost of the checks added to every request.
// 1. nesting-depth scan of the raw body bytes (JsonDepthScanner) next to the JSON.parse it
//    precedes, for a small chat body and a 1 MiB one; the router's walk of the parsed params;
// 2. scrubbing an upstream error message (3 configured secrets + key shapes);
// 3. an endless chunked body without a key against a live proxy: what the client got into the
//    socket before the proxy answered 401 and closed.
// Run `npm run build` first. Usage: node bench/proxy-hardening.mjs [--seconds N]
import net from 'node:net';
import { scrubString } from '../dist/esm/src/errors.js';
import { startMockServer } from '../dist/esm/src/mock/index.js';
import { proxyConfigFromObject, silentLogger, startProxy } from '../dist/esm/src/proxy/index.js';
import { JsonDepthScanner, findTooDeep } from '../dist/esm/src/wire/nesting.js';
import { writeResults } from './lib.mjs';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 1;

function measure(fn) {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    fn();
    n++;
  }
  return Math.round(((performance.now() - start) * 1000 * 100) / n) / 100;
}

const results = { depthScan: {}, scrub: {}, endlessBody: {} };
const small = Buffer.from(JSON.stringify({ model: 'chat', messages: [{ role: 'system', content: 'You are helpful.' }, { role: 'user', content: 'Hello there, how are you?' }], temperature: 0.2 }));
const turns = [];
while (JSON.stringify(turns).length < 1024 * 1024) turns.push({ role: turns.length % 2 ? 'assistant' : 'user', content: 'lorem ipsum "quoted" [brackets] {braces} '.repeat(20) });
const large = Buffer.from(JSON.stringify({ model: 'chat', messages: turns, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } } }] }));
for (const [name, buf] of [['small (' + small.length + ' B)', small], ['1 MiB', large]]) {
  const parsed = JSON.parse(buf.toString('utf8'));
  results.depthScan[name] = {
    scanUs: measure(() => new JsonDepthScanner(64).push(buf)),
    jsonParseUs: measure(() => JSON.parse(buf.toString('utf8'))),
    walkParsedUs: measure(() => findTooDeep(parsed, 64)),
  };
}

const secrets = ['sk-provider-SECRET-7f3a9c', 'AKIDBENCHEXAMPLE00', 'bench-secret-access-key-0000'];
const message = 'openai 400: Invalid request: the parameter "messages[0].content" is not valid; request id req_0123456789abcdef; please check the documentation';
results.scrub.errorMessageUs = measure(() => scrubString(message, secrets));

const mock = await startMockServer();
const config = proxyConfigFromObject({ models: [{ name: 'chat', provider: 'openai', model: 'gpt-4o-mini', apiKey: secrets[0], baseURL: mock.baseURL('openai') }], keys: [{ id: 'a', key: 'sk-client-000000000001' }] }, { env: {} });
const proxy = await startProxy({ config, port: 0, logger: silentLogger });
results.endlessBody = await new Promise((resolve) => {
  const socket = net.connect(proxy.port, '127.0.0.1');
  const frame = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 'a'), Buffer.from('\r\n')]);
  let answer = '';
  let done = false;
  const started = performance.now();
  const end = (closed) => {
    if (done) return;
    done = true;
    resolve({ status: answer.slice(9, 12), connectionClosed: closed, clientBytesWritten: socket.bytesWritten, ms: Math.round(performance.now() - started) });
    socket.destroy();
  };
  setTimeout(() => end(false), 10_000);
  socket.on('data', (d) => (answer += d.toString('latin1')));
  socket.on('close', () => end(true));
  socket.on('error', () => {});
  socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
  const pump = () => {
    while (!done && !socket.destroyed) if (!socket.write(frame)) return socket.once('drain', pump);
  };
  pump();
});
await proxy.close();
await mock.close();

console.log(JSON.stringify(results, null, 2));
console.log('written to', writeResults('proxy-hardening', results));
