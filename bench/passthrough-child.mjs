// The floor for one Node hop: a bare node:http proxy that forwards each request to the mock
// with undici (the HTTP client the router uses, same keep-alive pooling) and pipes the answer
// back: status, content type, body (streams included), with backpressure. No parsing, no
// validation, no routing. Same stats interface and startup line as proxy-child.mjs.
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { serveStats } from './server-stats.mjs';

const upstream = new URL(process.argv[2]);
const origin = upstream.origin;
const prefix = upstream.pathname.replace(/\/$/, '').replace(/\/v1$/, '');
const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000 });

const server = http.createServer(async (req, res) => {
  try {
    const up = await request(`${origin}${prefix}${req.url}`, {
      method: req.method,
      dispatcher,
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/json',
        authorization: req.headers.authorization ?? '',
        // Forwarded as sent, so the upstream reads a sized body (not chunked), as it does from the proxy.
        ...(req.headers['content-length'] ? { 'content-length': req.headers['content-length'] } : {}),
      },
      body: req,
    });
    res.writeHead(up.statusCode, { 'content-type': up.headers['content-type'] ?? 'application/octet-stream' });
    await pipeline(up.body, res);
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + '\n');
});
serveStats(() => new Promise((resolve) => server.close(resolve)));
