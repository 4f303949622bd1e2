// Cost of evaluations (run `npm run build` first): each deterministic built-in evaluator on a
// realistic answer (µs per evaluation), and `recordEvaluation` with nobody listening, with the
// bridge writing a late evaluation span, and with the bridge adding an event to an open span
// (batch span processor, no-op exporter). Figures go to bench/results/evals.json.
// Usage: node bench/evals.mjs [--n N]
import { writeResults } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('--n', 20000));

const evals = await import('../dist/esm/src/evals/index.js');
const { JsonSchemaValidation, ToolSelectionAccuracy, Groundedness, PromptInjection, recordEvaluation } = evals;

const context = [
  'Order 42 shipped on May 3 from the Lyon warehouse. Standard delivery takes 3 to 5 business days; express delivery takes 1 day and costs $12.50.',
  'Returns are accepted within 30 days of delivery. Refunds go to the original payment method within 5 business days after the return is received.',
  'Customers can change the delivery address until the parcel leaves the warehouse. After that, contact the carrier with the tracking number.',
].join('\n').repeat(3);
const answer =
  'Your order 42 shipped on May 3 from our Lyon warehouse. Standard delivery takes 3 to 5 business days, so it should arrive soon. ' +
  'If you need it faster, express delivery takes 1 day and costs $12.50. You can return it within 30 days of delivery. ' +
  'Refunds go to the original payment method within 5 business days. Hope this helps!';
const completion = (text, toolCalls = []) => ({
  id: 'c',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) } }],
});
const json = JSON.stringify({ order_id: '42', status: 'shipped', items: Array.from({ length: 10 }, (_, i) => ({ sku: `sku-${i}`, qty: i + 1 })) });
const schema = { type: 'object', required: ['order_id', 'status', 'items'], properties: { order_id: { type: 'string' }, status: { enum: ['shipped', 'pending'] }, items: { type: 'array', items: { type: 'object', required: ['sku', 'qty'], properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } } } } } };
const userInput = [{ role: 'user', content: `Hi, ${'I would like to know where my order is and when it arrives. '.repeat(10)}` }];

const cases = {
  json_schema: [JsonSchemaValidation({ schema }), { response: completion(json) }],
  tool_selection: [
    ToolSelectionAccuracy({ expected: [{ name: 'lookup_order', arguments: { order_id: '42' } }, { name: 'get_tracking' }] }),
    { response: completion(null, [{ id: '1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"42"}' } }, { id: '2', type: 'function', function: { name: 'get_tracking', arguments: '{}' } }]) },
  ],
  groundedness: [Groundedness(), { response: completion(answer), context: [context] }],
  prompt_injection: [PromptInjection(), { response: '', input: userInput, context: [context] }],
};

async function timeIt(fn, n) {
  for (let i = 0; i < Math.min(1000, n); i++) await fn(); // warm up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return Math.round(((performance.now() - t0) * 1000 * 10) / n) / 10;
}

const evaluators = {};
for (const [name, [evaluator, input]] of Object.entries(cases)) {
  const n = name === 'groundedness' || name === 'prompt_injection' ? Math.max(1, Math.floor(N / 10)) : N;
  evaluators[name] = { usPerEvaluation: await timeIt(() => evaluator.evaluate(input), n), evaluations: n };
}

const result = await cases.json_schema[0].evaluate(cases.json_schema[1]);
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const record = {};
record.noSubscriber = await timeIt(() => recordEvaluation(traceparent, result), N);

const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
const { TracegateInstrumentation } = await import('../dist/esm/instrumentations/index.js');
let exported = 0;
const provider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor({ export: (spans, cb) => ((exported += spans.length), cb({ code: 0 })), shutdown: async () => {}, forceFlush: async () => {} }, { maxQueueSize: 100_000 })],
});
const instrumentation = new TracegateInstrumentation();
instrumentation.setTracerProvider(provider);
record.lateSpan = await timeIt(() => recordEvaluation(traceparent, result), N);
const open = provider.getTracer('bench').startSpan('answer');
const sc = open.spanContext();
// register it as an open tracegate span the way the recorder does
const registry = globalThis[Symbol.for('tracegate.instrumentation.open-spans')];
registry.set(sc.spanId, { span: open, kind: 'attempt', callId: 'bench' });
const openTarget = { traceId: sc.traceId, spanId: sc.spanId, traceFlags: 1 };
record.eventOnOpenSpan = await timeIt(() => recordEvaluation(openTarget, result), Math.min(N, 5000));
registry.delete(sc.spanId);
open.end();
instrumentation.disable();
await provider.shutdown();

const file = writeResults('evals', {
  description: 'µs per evaluation of the deterministic built-in evaluators on realistic inputs (answer ~400 chars, context ~1.3 KB × 3, input ~600 chars), and µs per recordEvaluation call.',
  evaluators,
  recordEvaluationUs: record,
  lateSpansExported: exported,
});
console.log(JSON.stringify({ evaluators, recordEvaluationUs: record }, null, 2));
console.log(`wrote ${file}`);
