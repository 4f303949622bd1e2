// An application with its own tracer provider (as NodeSDK would set up), then tracegate's
// register(): only the instrumentation is added, spans go through the application's provider once.
import { writeFileSync } from 'node:fs';
import * as api from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

const { register } = await import('tracegate/instrumentation');
const registration = register();
const { Router, getCallInfo } = await import('tracegate');
const shared = (await import('./support-calls.cjs')).default;
await shared.makeCalls(new Router(shared.routerOptions(process.env.FAKE_BASE_URL)), api, getCallInfo);
writeFileSync(
  process.env.APP_SPANS_FILE,
  JSON.stringify({
    ownsProvider: registration.tracerProvider !== undefined,
    spans: exporter.getFinishedSpans().map((s) => ({ name: s.name, spanId: s.spanContext().spanId })),
  }),
);
