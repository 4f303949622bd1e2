/**
 * `tracegate.request.overrides` on attempt spans: the names of the overrides each attempt's
 * deployment applied (a fallback attempt carries its own), never their values.
 */
import { SpanKind } from '@opentelemetry/api';
import { expect, it } from 'vitest';
import { ATTR_TRACEGATE_DEPLOYMENT_ID, ATTR_TRACEGATE_REQUEST_OVERRIDES } from '../../semconv/index.js';
import { FAKE_KEY, setupTracing, useMockRouter } from './harness.js';

const h = setupTracing();
const t = useMockRouter(h, {
  models: (base, mock) => [
    {
      name: 'fast',
      provider: 'openai',
      model: 'gpt-4o-mini',
      apiKey: FAKE_KEY,
      baseURL: base,
      defaults: { temperature: 0.3 },
      drop: ['seed'],
      system: { prepend: 'SECRET-INSTRUCTION' },
      extraHeaders: { 'x-tier': 'gold' },
    },
    { name: 'plain', provider: 'openai', model: 'gpt-4o', apiKey: FAKE_KEY, baseURL: base },
    { name: 'accurate', provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: FAKE_KEY, baseURL: mock.baseURL('anthropic'), override: { max_tokens: 50 } },
  ],
  router: { retry: { initialBackoffMs: 1, maxBackoffMs: 2, perClass: { upstream_unavailable: 0 } }, fallbacks: { fast: ['accurate'] }, breaker: { enabled: false } },
});

it('each attempt span names its own deployment\'s applied overrides', async () => {
  t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'server_error', status: 503 });
  await t.router.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], seed: 1 });
  const attempts = h.spans().filter((s) => s.kind === SpanKind.CLIENT && s.attributes[ATTR_TRACEGATE_DEPLOYMENT_ID] !== undefined);
  expect(attempts.map((s) => [s.attributes[ATTR_TRACEGATE_DEPLOYMENT_ID], s.attributes[ATTR_TRACEGATE_REQUEST_OVERRIDES]])).toEqual([
    ['fast#0', ['defaults.temperature', 'system.prepend', 'drop.seed', 'extraHeaders.x-tier']],
    ['accurate#0', ['override.max_tokens']],
  ]);
  const all = JSON.stringify(h.spans().map((s) => s.attributes));
  expect(all).not.toContain('SECRET-INSTRUCTION');
  expect(all).not.toContain('gold');
});

it('no attribute when nothing was applied', async () => {
  await t.router.chat.completions.create({ model: 'plain', messages: [{ role: 'user', content: 'hi' }] });
  const attempt = h.spans().find((s) => s.kind === SpanKind.CLIENT && s.attributes[ATTR_TRACEGATE_DEPLOYMENT_ID] === 'plain#0')!;
  expect(attempt).toBeDefined();
  expect(attempt.attributes).not.toHaveProperty(ATTR_TRACEGATE_REQUEST_OVERRIDES);
});
