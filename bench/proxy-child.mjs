// `tracegate proxy` for benches, in its own process: one alias on the mock's OpenAI endpoint,
// one virtual key (so authentication is part of what is measured), default router policies,
// no tracing — or, with a second argument `traced`, tracing on through register() with a batch
// span processor and an exporter that drops the spans (the cost of making them, not of sending
// them). Prints `{"url": ...}` once listening; answers `stats` on stdin (server-stats.mjs).
import { proxyConfigFromObject, silentLogger, startProxy } from '../dist/esm/src/proxy/index.js';
import { serveStats } from './server-stats.mjs';

const upstream = process.argv[2];
if (process.argv[3] === 'traced') {
  const { register } = await import('../dist/esm/instrumentations/index.js');
  const drop = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
  register({ traces: [drop], flushOnExit: false });
}
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
