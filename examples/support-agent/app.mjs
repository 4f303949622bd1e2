// A small support agent: it answers customer questions through two aliases, `support-fast`
// (cheap, first) and `support-accurate` (careful: hard questions, and the router's fallback when
// the fast one keeps failing), with fake providers from `tracegate mock` standing in for the real
// ones. Every call becomes a trace, retries and fallbacks included: run it with tracing on.
//
//   npm run build
//   node --import tracegate/register examples/support-agent/app.mjs                 # OTLP to localhost:4318 (Jaeger)
//   OTEL_TRACES_EXPORTER=console node --import tracegate/register examples/support-agent/app.mjs
//   OTEL_TRACES_EXPORTER=file node --import tracegate/register examples/support-agent/app.mjs  # ./tracegate-traces.jsonl
//
// Name the service with OTEL_SERVICE_NAME=support-agent (read when tracing starts, before this file runs).
import { trace } from '@opentelemetry/api';
import { Router, getCallInfo, isTracegateError } from 'tracegate';
import { startMockServer } from 'tracegate/mock';

// Fake providers (OpenAI and Anthropic wire formats): the fast OpenAI model is rate limited now
// and then and has a 5xx burst on its second question; the accurate Anthropic model answers carefully.
const mock = await startMockServer({
  scenario: {
    seed: 7,
    rules: [
      {
        match: { model: 'gpt-4o-mini' },
        sequence: [{ kind: 'ok' }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 }],
        faults: [{ probability: 0.25, kind: 'rate_limit', retryAfterMs: 50 }],
        reply: { text: 'Your order ships in 2 days.' },
      },
      { match: { model: 'claude-sonnet-4-5' }, reply: { text: 'I checked order A-1: it left the warehouse today and arrives Friday.' } },
    ],
  },
});

const key = 'sk-example-not-a-real-key';
const router = new Router({
  models: [
    { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: key, baseURL: mock.baseURL('openai') },
    { name: 'support-accurate', provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: key, baseURL: mock.baseURL('anthropic') },
  ],
  retry: { initialBackoffMs: 20, perClass: { upstream_unavailable: 2 } },
  fallbacks: { 'support-fast': ['support-accurate'] },
});

const tracer = trace.getTracer('support-agent');
const tickets = [
  { id: 'T-1', question: 'Where is my order A-1?', hard: false },
  { id: 'T-2', question: 'Can I change the delivery address of order A-2 after it shipped?', hard: true },
  { id: 'T-3', question: 'Do you ship to Norway?', hard: false },
  { id: 'T-4', question: 'My package arrived damaged, what are my options?', hard: true },
  { id: 'T-5', question: 'What is your return window?', hard: false },
];

async function answer(ticket) {
  // One application span per ticket: the router's spans are its children.
  return tracer.startActiveSpan(`ticket ${ticket.id}`, async (span) => {
    const messages = [
      { role: 'system', content: 'You are a concise, friendly support agent.' },
      { role: 'user', content: ticket.question },
    ];
    try {
      const alias = ticket.hard ? 'support-accurate' : 'support-fast';
      const completion = await router.chat.completions.create({ model: alias, messages, temperature: 0 }, { metadata: { ticket: ticket.id } });
      const info = getCallInfo(completion);
      console.log(
        `${ticket.id} ${info.alias.padEnd(16)} → ${info.deployment.model.padEnd(17)} ${info.outcome.padEnd(16)} ${info.attempts.length} attempt(s) ${String(Math.round(info.latencyMs)).padStart(4)} ms  trace ${info.trace?.traceId ?? '(tracing off)'}`,
      );
      return completion.choices[0].message.content;
    } catch (err) {
      console.log(`${ticket.id} failed: ${isTracegateError(err) ? `${err.name} (${err.status})` : String(err)}`);
      return undefined;
    } finally {
      span.end();
    }
  });
}

// A streamed answer too.
async function streamed() {
  const stream = await router.chat.completions.create({
    model: 'support-accurate',
    messages: [{ role: 'user', content: 'Summarize our shipping policy.' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  console.log(`stream           ${text.length} chars  trace ${getCallInfo(stream).trace?.traceId ?? '(tracing off)'}`);
}

try {
  for (const t of tickets) await answer(t);
  await streamed();
} finally {
  await router.close();
  await mock.close();
}
console.log('\ndone: open Jaeger at http://localhost:16686 and pick the "support-agent" service (see examples/jaeger/README.md)');
