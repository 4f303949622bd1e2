// Closed-loop HTTP load with autocannon (in this process, one request in flight per connection):
// `connections` connections for `durationSec` seconds, or `amount` requests in all. Latencies
// are timed per request at sub-millisecond resolution (autocannon's own histogram rounds to
// whole milliseconds), streams also to their first body byte (TTFB).
import autocannon from 'autocannon';
import { percentile } from './lib.mjs';

const r3 = (x) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

/** Runs one load; resolves to requests/s, latency and TTFB percentiles (ms), and error counts. */
export function runLoad({ url, path, body, headers, connections, durationSec, amount }) {
  const latencies = [];
  const ttfb = [];
  let non2xx = 0;
  const setupClient = (client) => {
    let t0 = 0;
    let first = true;
    client.on('request', () => {
      t0 = performance.now();
      first = true;
    });
    client.on('body', () => {
      if (first) {
        first = false;
        ttfb.push(performance.now() - t0);
      }
    });
    client.on('response', (status, _bytes, durationMs) => {
      if (status >= 200 && status < 300) latencies.push(durationMs);
      else non2xx++;
    });
  };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    autocannon(
      {
        url: `${url}${path}`,
        method: 'POST',
        headers,
        body,
        connections,
        pipelining: 1,
        timeout: 30,
        ...(amount ? { amount } : { duration: durationSec }),
        setupClient,
      },
      (err, result) => {
        if (err) return reject(err);
        const wallMs = performance.now() - started;
        latencies.sort((a, b) => a - b);
        ttfb.sort((a, b) => a - b);
        resolve({
          requests: latencies.length,
          requestsPerSec: Math.round((latencies.length / wallMs) * 1000),
          p50Ms: r3(percentile(latencies, 50)),
          p90Ms: r3(percentile(latencies, 90)),
          p99Ms: r3(percentile(latencies, 99)),
          ttfbP50Ms: r3(percentile(ttfb, 50)),
          ttfbP90Ms: r3(percentile(ttfb, 90)),
          ttfbP99Ms: r3(percentile(ttfb, 99)),
          errors: result.errors + result.timeouts,
          non2xx: non2xx,
        });
      },
    );
  });
}
