/**
 * One TCP port speaking HTTP/1.1 and cleartext HTTP/2 (prior knowledge, as the AWS SDK's
 * NodeHttp2Handler uses for `http://` endpoints). Each connection's first bytes decide: the
 * HTTP/2 preface (`PRI * HTTP/2.0`) goes to an http2 server, anything else to an http server.
 * Every socket is tracked so `close()` can destroy them, hanging requests included.
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { http1Exchange, http2Exchange, type Exchange } from './transport/exchange.js';

export interface Listener {
  host: string;
  port: number;
  close(): Promise<void>;
}

const PREFACE = Buffer.from('PRI * HTTP/2.0');

export function listen(host: string, port: number, handle: (ex: Exchange) => void): Promise<Listener> {
  const h1 = http.createServer((req, res) => handle(http1Exchange(req, res)));
  h1.keepAliveTimeout = 5_000;
  h1.on('clientError', (_err, socket) => socket.destroy());
  const h2 = http2.createServer({}, (req, res) => handle(http2Exchange(req, res)));
  h2.on('sessionError', () => undefined);

  const sockets = new Set<net.Socket>();
  const server = net.createServer({ pauseOnConnect: false }, (socket) => {
    sockets.add(socket);
    // Headers are flushed before the body; without this, Nagle + delayed ACK add ~40 ms.
    socket.setNoDelay(true);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    dispatch(socket, h1, h2);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      resolve({
        host,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
            sockets.clear();
          }),
      });
    });
  });
}

/** Reads until the first bytes tell HTTP/2 from HTTP/1.1, puts them back, and hands the socket over. */
function dispatch(socket: net.Socket, h1: http.Server, h2: http2.Http2Server): void {
  let seen = Buffer.alloc(0);
  const onReadable = () => {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) seen = Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    const maybeH2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (maybeH2 && seen.length < PREFACE.length) return;
    socket.off('readable', onReadable);
    socket.unshift(seen);
    (maybeH2 ? h2 : h1).emit('connection', socket);
  };
  socket.on('readable', onReadable);
}
