/**
 * Shadow evaluation: with mirroring on, a router-wide evaluator guardrail (flag mode) scores the
 * live answer and the mirrored candidate's answer to the same request; the candidate's result
 * carries the shadow flag on its trace and in `result.shadow`, so live and candidate can be
 * compared on the same inputs.
 */
import { describe, expect, it } from 'vitest';
import { getCallInfo } from '../../src/index.js';
import { JsonSchemaValidation, evaluatorGuardrail, type EvaluationResult } from '../../src/evals/index.js';
import { FAKE_KEY, setupTracing, useMockRouter } from '../instrumentation/harness.js';

const h = setupTracing();
const results: EvaluationResult[] = [];
const base = JsonSchemaValidation({ schema: { type: 'object', required: ['order_id'] } });
// Wraps the evaluator to keep each result the guardrail produced.
const json = { ...base, evaluate: async (input: Parameters<typeof base.evaluate>[0]) => {
  const r = await base.evaluate(input);
  results.push(r);
  return r;
} };

const t = useMockRouter(h, {
  mock: { scenario: { rules: [{ match: { model: 'gpt-4o-mini' }, reply: { text: '{"order_id":"42"}' } }, { match: { model: 'candidate-model' }, reply: { text: 'Order 42.' } }] } },
  models: (url) => [
    { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: url },
    { name: 'candidate', provider: 'openai', model: 'candidate-model', apiKey: FAKE_KEY, baseURL: url },
  ],
  router: { mirror: { 'support-fast': { to: 'candidate', sampleRate: 1 } }, hooks: { postCall: [evaluatorGuardrail(json, { mode: 'flag' })] } },
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('shadow evaluation', () => {
  it('the mirrored call is evaluated on the same input and its result carries the shadow flag', async () => {
    const live = await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Order 42 as JSON' }] });
    await waitFor(() => results.length === 2 && h.spans().filter((s) => s.attributes['tracegate.call.id'] !== undefined).length === 2);
    // same input to both
    const bodies = t.mock.calls.map((c) => [c.model, JSON.stringify((c.body as { messages: unknown }).messages)]);
    expect(bodies.map(([m]) => m).sort()).toEqual(['candidate-model', 'gpt-4o-mini']);
    expect(bodies[0]![1]).toBe(bodies[1]![1]);
    // results: the live one passes, the candidate fails, flagged as shadow with its own route
    const byAlias = Object.fromEntries(results.map((r) => [r.route!.alias, r]));
    expect(byAlias['support-fast']).toMatchObject({ passed: true });
    expect(byAlias['support-fast']!.shadow).toBeUndefined();
    expect(byAlias['candidate']).toMatchObject({ passed: false, shadow: true, route: { alias: 'candidate', model: 'candidate-model' } });
    // traces: the shadow attempt's evaluation event has tracegate.shadow = true; the live one has none
    const attempts = h.spans().filter((s) => s.attributes['tracegate.attempt.id'] !== undefined);
    const evalOf = (model: string) => attempts.find((s) => s.attributes['gen_ai.request.model'] === model)!.events.find((e) => e.name === 'gen_ai.evaluation.result')!.attributes!;
    expect(evalOf('gpt-4o-mini')['tracegate.shadow']).toBeUndefined();
    expect(evalOf('candidate-model')).toMatchObject({ 'tracegate.shadow': true, 'tracegate.evaluation.passed': false });
    // the shadow trace links to the live call, so the report can pair the two evaluations
    const shadowCall = h.spans().find((s) => s.attributes['tracegate.shadow'] === true && s.attributes['tracegate.call.id'] !== undefined)!;
    expect(shadowCall.links.map((l) => l.context.spanId)).toEqual([getCallInfo(live)!.trace!.spanId]);
  });
});
