/**
 * OTLP receivers started by a test on 127.0.0.1 (no Collector binary can be installed here):
 * HTTP (protobuf or JSON, answering 200) and gRPC (the collector's Export methods, answering an
 * empty response). Each records what it was sent.
 */
import { Server as GrpcServer, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** HTTP path, or the gRPC method path. */
  path: string;
  contentType: string;
  body: Buffer;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: IncomingHttpHeaders = req.headers;
      received.push({ path: req.url ?? '', contentType: String(headers['content-type'] ?? ''), body: Buffer.concat(chunks) });
      const json = String(headers['content-type']).includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const SERVICES = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

export async function startGrpcReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const server = new GrpcServer();
  const identity = (b: Buffer): Buffer => b;
  for (const [signal, path] of Object.entries(SERVICES)) {
    const definition: ServiceDefinition = {
      Export: { path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
    };
    server.addService(definition, {
      Export: (call: { request: Buffer }, callback: (err: null, value: Buffer) => void) => {
        received.push({ path, contentType: `application/grpc (${signal})`, body: call.request });
        callback(null, Buffer.alloc(0)); // an empty Export*ServiceResponse
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((r) => server.tryShutdown(() => r())),
  };
}

export { SERVICES as GRPC_EXPORT_PATHS };
