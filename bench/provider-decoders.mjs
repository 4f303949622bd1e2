// Provider adapter costs in process (no network): stream decoding (framing + decoder) of each
// dialect from its recorded fixtures, request encoding, and SigV4 signing. Run `npm run build` first.
// Usage: node bench/provider-decoders.mjs [--seconds N]
import { readFileSync } from 'node:fs';
import '../dist/esm/src/providers/builtin.js';
import { encodeMessage } from '../dist/esm/src/mock/wire/eventstream.js';
import { createFramer } from '../dist/esm/src/http/framing.js';
import { signRequest } from '../dist/esm/src/providers/bedrock/sigv4.js';
import { resolveModelInfo } from '../dist/esm/src/providers/catalog/index.js';
import { getProvider } from '../dist/esm/src/providers/registry.js';
import { writeResults } from './lib.mjs';

// The fake provider's encoder (tracegate mock) frames the recorded events.
const encodeEventStreamMessage = (headers, payload) => encodeMessage(headers, Buffer.from(payload, 'utf8'));

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 1;
const fixtures = new URL('../test/fixtures/providers/', import.meta.url);
const lines = (path) => readFileSync(new URL(path, fixtures), 'utf8').split(/\r?\n/).filter((l) => l.trim());

function deployment(provider, model, extra = {}) {
  const info = resolveModelInfo(provider, model);
  return { id: `${provider}#0`, name: 'b', provider, model, apiKey: 'sk-bench-000000', headers: {}, options: {}, weight: 1, priority: 0, tags: [], timeouts: {}, capabilities: info.capabilities, price: info.price, propagateTraceContext: false, secrets: [], ...extra };
}

const wire = {
  openai: (ls) => Buffer.from([...ls, '[DONE]'].map((l) => `data: ${l}\n\n`).join('')),
  anthropic: (ls) => Buffer.from(ls.map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`).join('')),
  gemini: (ls) => Buffer.from(ls.map((l) => `data: ${l}\r\n\r\n`).join('')),
  bedrock: (ls) =>
    Buffer.concat(ls.map((l) => {
      const [type, payload] = Object.entries(JSON.parse(l))[0];
      return encodeEventStreamMessage({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(payload));
    })),
};

const cases = [
  { name: 'openai (openai-text, 302 events)', provider: 'openai', model: 'gpt-4.1-nano', dialect: 'openai', file: 'openai/openai-text.chunks.txt' },
  { name: 'anthropic (anthropic-text, 12 events)', provider: 'anthropic', model: 'claude-sonnet-4-5', dialect: 'anthropic', file: 'anthropic/anthropic-text.chunks.txt' },
  { name: 'gemini (google-reasoning, 3 events)', provider: 'gemini', model: 'gemini-2.5-flash', dialect: 'gemini', file: 'google/google-reasoning.chunks.txt' },
  { name: 'bedrock (amazon-bedrock-reasoning, 27 event-stream messages)', provider: 'bedrock', model: 'anthropic.claude-sonnet-4-5', dialect: 'bedrock', file: 'bedrock/amazon-bedrock-reasoning.chunks.txt', extra: { apiKey: undefined, options: { region: 'us-east-1', accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' } } },
];

function measure(fn) {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
  }
  return { ops: n, opsPerSec: Math.round((n / (performance.now() - start)) * 1000), usPerOp: Math.round(((performance.now() - start) * 1000 * 100) / n) / 100 };
}

const results = {};
for (const c of cases) {
  const adapter = getProvider(c.provider);
  const d = deployment(c.provider, c.model, c.extra);
  const bytes = wire[c.dialect](lines(c.file));
  const pieces = [];
  for (let i = 0; i < bytes.length; i += 1024) pieces.push(bytes.subarray(i, i + 1024));
  const decode = () => {
    const framer = createFramer(adapter.streamFraming);
    const decoder = adapter.chatStream({ deployment: d, stream: true });
    let chunks = 0;
    for (const p of pieces) for (const ev of framer.push(p)) chunks += decoder.push(ev).length;
    for (const ev of framer.end()) chunks += decoder.push(ev).length;
    chunks += decoder.end().length;
    return chunks;
  };
  const params = { model: 'b', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Weather in Paris?' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }], temperature: 0 };
  const dec = measure(decode);
  const enc = measure(() => adapter.chatRequest(params, { deployment: d, stream: true }));
  results[c.name] = { bytes: bytes.length, streamDecode: { ...dec, MBps: Math.round((dec.opsPerSec * bytes.length) / 1e4) / 100 }, requestEncode: enc };
}
const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
results['sigv4 sign (node:crypto)'] = measure(() =>
  signRequest({ method: 'POST', url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse', headers: { 'content-type': 'application/json' }, body, region: 'us-east-1', service: 'bedrock', credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' } }),
);
console.log(JSON.stringify(results, null, 2));
console.log('written to', writeResults('provider-decoders', { seconds, results }));
