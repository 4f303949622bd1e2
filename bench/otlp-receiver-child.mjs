// A local OTLP/HTTP receiver for the traced proxy in the benches: reads each export request's
// body and answers 200 with an empty protobuf ExportTraceServiceResponse, counting requests and
// bytes. Prints `{"url": ...}` once listening; answers `stats` on stdin (server-stats.mjs).
import http from 'node:http';
import { serveStats } from './server-stats.mjs';

let requests = 0;
let bytes = 0;
const server = http.createServer((req, res) => {
  req.on('data', (d) => (bytes += d.length));
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': req.headers['content-type'] === 'application/json' ? 'application/json' : 'application/x-protobuf' });
    res.end(req.headers['content-type'] === 'application/json' ? '{}' : '');
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + '\n');
});
serveStats(() => new Promise((resolve) => server.close(resolve)), { extra: () => ({ exportRequests: requests, exportBytes: bytes }) });
