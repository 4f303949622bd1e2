/** Raw TCP exchanges with the proxy, for what fetch cannot send (bad framing, garbage, endless bodies). */
import net from 'node:net';

export interface RawResult {
  /** Everything the server sent, latin1. */
  text: string;
  /** The server closed the connection (false: we gave up after `waitMs`). */
  closed: boolean;
  /** Bytes this client managed to hand to its socket. */
  bytesWritten: number;
}

/** A new connection that collects the answer until the server closes it or `waitMs` passes. */
function connect(port: number, waitMs: number): { socket: net.Socket; result: Promise<RawResult>; ended: () => boolean } {
  const socket = net.connect(port, '127.0.0.1');
  let text = '';
  let done = false;
  const result = new Promise<RawResult>((resolve) => {
    const end = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const bytesWritten = socket.bytesWritten;
      socket.destroy();
      resolve({ text, closed, bytesWritten });
    };
    const timer = setTimeout(() => end(false), waitMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('close', () => end(true));
    socket.on('error', () => {
      /* EPIPE/ECONNRESET once the server closed: 'close' follows */
    });
  });
  return { socket, result, ended: () => done };
}

/** Sends `payload` on a new connection; collects the answer until the server closes or `waitMs` passes. */
export function rawExchange(port: number, payload: string | Buffer, { waitMs = 3000, keepOpen = false } = {}): Promise<RawResult> {
  const { socket, result } = connect(port, waitMs);
  socket.write(payload);
  if (!keepOpen) socket.end();
  return result;
}

/**
 * Sends `head`, then body bytes without end (`chunked`: as 64 KiB chunks of the chunked
 * encoding; else raw) for as long as the server reads them, at most `maxBytes` or `waitMs`.
 */
export function endlessBody(port: number, head: string, { chunked = true, maxBytes = 256 * 1024 * 1024, waitMs = 5000 } = {}): Promise<RawResult> {
  const { socket, result, ended } = connect(port, waitMs);
  const piece = Buffer.alloc(64 * 1024, 'a');
  const frame = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
  const pump = () => {
    while (!ended() && !socket.destroyed && socket.bytesWritten < maxBytes) {
      if (!socket.write(frame)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  socket.write(head);
  pump();
  return result;
}

/** The status of a raw HTTP answer, or 0. */
export function statusOf(text: string): number {
  const m = /^HTTP\/1\.1 (\d{3}) /.exec(text);
  return m ? Number(m[1]) : 0;
}
