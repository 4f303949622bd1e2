/**
 * An app calling `tracegate proxy` through the `openai` SDK: the app (a child process under
 * `-r tracegate/register`) records a CLIENT span per call with `tracegate.path = proxy-client`
 * (recognized by the proxy's `x-tracegate-attempts` response header) and no usage or cost (those
 * sit on the proxy's attempt spans); the SDK request carries the client span's traceparent, so the
 * proxy's SERVER call span is its child and the attempt span the call span's child: one trace,
 * client span → SERVER call span → CLIENT attempt span, for a plain and a streamed call.
 */
import { SpanKind } from '@opentelemetry/api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { setupTracing } from '../instrumentation/harness.js';
import { KEY_ALL, startStack, type Stack } from '../proxy/helpers.js';
import { APPS, runApp, spansOf, tracesFile } from './helpers.js';

/** Span kinds in the OTLP file are OTLP's numbers (CLIENT = 3), in memory the API's. */
const OTLP_CLIENT = 3;
const h = setupTracing();
let s: Stack;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  s = await startStack();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-proxy-client-'));
}, 180_000);
afterAll(async () => {
  await s.close();
  h.instrumentation.disable();
  await h.provider.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

it('one trace: SDK client span → proxy SERVER call span → attempt span, for plain and streamed calls', async () => {
  const file = tracesFile(dir, 'app');
  const r = await runApp(['-r', 'tracegate/register', `${APPS}/proxy-client-app.cjs`], file, { PROXY_URL: s.proxy.url, PROXY_KEY: KEY_ALL });
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(JSON.parse(r.stdout)).toEqual({ plain: 'Mock reply from gpt-4o-mini.', stream: 'Mock reply from gpt-4o-mini.' });

  const appSpans = spansOf(file);
  const proxySpans = h.spans();
  for (const name of ['app:plain', 'app:stream']) {
    const app = appSpans.find((sp) => sp.name === name)!;
    const clients = appSpans.filter((sp) => sp.parentSpanId === app.spanId);
    expect(clients.map((c) => [c.name, c.kind, c.attributes['tracegate.path']]), name).toEqual([['chat chat', OTLP_CLIENT, 'proxy-client']]);
    const client = clients[0]!;
    // Usage and cost are the proxy's attempt span's, not repeated on the client span.
    expect(Object.keys(client.attributes).filter((k) => /usage|token_count|cost/.test(k)), name).toEqual([]);
    const servers = proxySpans.filter((sp) => sp.parentSpanContext?.spanId === client.spanId);
    expect(servers.map((sp) => [sp.name, sp.kind, sp.spanContext().traceId]), name).toEqual([['chat chat', SpanKind.SERVER, client.traceId]]);
    const server = servers[0]!;
    const attempts = proxySpans.filter((sp) => sp.parentSpanContext?.spanId === server.spanContext().spanId);
    expect(attempts.map((sp) => [sp.name, sp.kind, sp.attributes['tracegate.path'], sp.spanContext().traceId]), name).toEqual([
      ['chat gpt-4o-mini', SpanKind.CLIENT, 'gateway', client.traceId],
    ]);
    expect(attempts[0]!.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
  }
}, 60_000);
