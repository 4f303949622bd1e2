// `tracegate proxy` for benches, in its own process: one alias on the mock's OpenAI endpoint,
// one virtual key (so authentication is part of what is measured), default router policies,
// no tracing — or, with a second argument `traced`, tracing on through register() exactly as
// `node --import tracegate/register` does it, configured by the OTEL_* environment the bench
// sets (OTLP http/protobuf to the bench's local receiver, batch span processor).
// Prints `{"url": ...}` once listening; answers `stats` on stdin (server-stats.mjs).
import { serveStats } from './server-stats.mjs';

const upstream = process.argv[2];
if (process.argv[3] === 'traced') {
  const { register } = await import('../dist/esm/instrumentations/index.js');
  register({ flushOnExit: false });
}
const { proxyConfigFromObject, silentLogger, startProxy } = await import('../dist/esm/src/proxy/index.js');
const config = proxyConfigFromObject(
  {
    models: [{ name: 'bench', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-bench-provider-000', baseURL: upstream }],
    keys: [{ id: 'bench', key: 'sk-bench-client-0001' }],
    server: { port: 0 },
  },
  { env: {} },
);
const proxy = await startProxy({ config, logger: silentLogger });
process.stdout.write(JSON.stringify({ url: proxy.url }) + '\n');
serveStats(async () => {
  await proxy.close();
  await proxy.router.close();
});
