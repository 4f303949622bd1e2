/**
 * Whole-attribute-map snapshots of the spans of the router's policies: a retry then success, a
 * fallback to another provider, an exhausted chain, a budget rejection, a cache hit. A handled
 * failure is an error on its attempt span only; the call span is an error only when the call
 * failed. Fake providers: `tracegate mock`.
 */
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, Router, getCallInfo } from '../../src/index.js';
import { openSpanCount } from '../../instrumentations/index.js';
import { FAKE_KEY, setupTracing, summarizeAll, useMockRouter } from './harness.js';

const h = setupTracing();
// Fixed usage so tokens and costs in the snapshots do not depend on the mock's estimate.
const t = useMockRouter(h, {
  mock: { scenario: { defaults: { reply: { usage: { prompt_tokens: 20, completion_tokens: 10 } } } } },
  models: (base, mock) => [
    { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base },
    { name: 'support-accurate', provider: 'anthropic', model: 'claude-haiku-4-5', apiKey: FAKE_KEY, baseURL: mock.baseURL('anthropic') },
  ],
  router: {
    retry: { initialBackoffMs: 10, maxBackoffMs: 20, perClass: { upstream_unavailable: 1 } },
    fallbacks: { 'support-fast': ['support-accurate'] },
    breaker: { enabled: false },
    budgets: [{ scope: 'key', match: 'broke', limitUsd: 0, window: 'day' }],
    random: () => 0.5,
  },
});

const ask = (options: Parameters<Router['chat']['completions']['create']>[1] = {}) =>
  t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Where is my order?' }], temperature: 0 }, options);

describe('router policies on spans', () => {
  it('a retry then success: the failed attempt is an error, the call is not', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'rate_limit', retryAfterMs: 5 });
    const c = await ask();
    expect(getCallInfo(c)!.outcome).toBe('success');
    expect(summarizeAll(h.spans())).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "openinference.span.kind": "CHAIN",
            "tracegate.attempts": 2,
            "tracegate.cache.hit": false,
            "tracegate.call.id": "<call-id>",
            "tracegate.cost.total_usd": 0.000009,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.used": false,
            "tracegate.model": "gpt-4o-mini",
            "tracegate.operation": "chat",
            "tracegate.outcome": "success",
            "tracegate.provider": "openai",
            "tracegate.retries": 1,
            "tracegate.route": "support-fast",
            "tracegate.stream": false,
            "tracegate.usage.input_tokens": 20,
            "tracegate.usage.output_tokens": 10,
            "tracegate.usage.total_tokens": 30,
          },
          "events": [
            {
              "attributes": {
                "tracegate.decision.action": "select",
                "tracegate.deployment.id": "support-fast#0",
                "tracegate.route.alias": "support-fast",
                "tracegate.route.candidates": 1,
                "tracegate.route.strategy": "weighted",
              },
              "name": "tracegate.route",
            },
            {
              "attributes": {
                "error.type": "rate_limit",
                "tracegate.decision.action": "switch",
                "tracegate.deployment.id": "support-fast#0",
                "tracegate.retry.count": 1,
                "tracegate.retry.retry_after_ms": 5,
              },
              "name": "tracegate.retry",
            },
            {
              "attributes": {
                "tracegate.decision.action": "wait",
                "tracegate.retry.round": 1,
                "tracegate.retry.wait_ms": "<ms>",
                "tracegate.retry.wait_source": "retry_after",
                "tracegate.route.alias": "support-fast",
              },
              "name": "tracegate.retry",
            },
            {
              "attributes": {
                "tracegate.decision.action": "select",
                "tracegate.deployment.id": "support-fast#0",
                "tracegate.route.alias": "support-fast",
                "tracegate.route.candidates": 1,
                "tracegate.route.strategy": "weighted",
              },
              "name": "tracegate.route",
            },
          ],
          "kind": "INTERNAL",
          "name": "chat support-fast",
          "parent": null,
          "status": "UNSET",
        },
        {
          "attributes": {
            "error.type": "rate_limit",
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.request.temperature": 0,
            "http.response.status_code": 429,
            "llm.invocation_parameters": "{"model":"gpt-4o-mini","temperature":0}",
            "llm.model_name": "gpt-4o-mini",
            "llm.provider": "openai",
            "llm.system": "openai",
            "openinference.span.kind": "LLM",
            "server.address": "127.0.0.1",
            "server.port": "<port>",
            "tracegate.attempt.id": "<attempt-id>",
            "tracegate.attempt.index": 0,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.depth": 0,
            "tracegate.path": "gateway",
            "tracegate.provider": "openai",
            "tracegate.route": "support-fast",
          },
          "events": [
            {
              "attributes": {
                "exception.message": "openai 429: Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.",
                "exception.type": "RateLimitError",
              },
              "name": "exception",
            },
          ],
          "kind": "CLIENT",
          "name": "chat gpt-4o-mini",
          "parent": "chat support-fast",
          "status": "ERROR: openai 429: Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.",
        },
        {
          "attributes": {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.request.temperature": 0,
            "gen_ai.response.finish_reasons": [
              "stop",
            ],
            "gen_ai.response.id": "chatcmpl-mock2",
            "gen_ai.response.model": "gpt-4o-mini",
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.input_tokens": 20,
            "gen_ai.usage.output_tokens": 10,
            "gen_ai.usage.reasoning.output_tokens": 0,
            "http.response.status_code": 200,
            "llm.cost.completion": 0.000006,
            "llm.cost.prompt": 0.000003,
            "llm.cost.total": 0.000009,
            "llm.finish_reason": "stop",
            "llm.invocation_parameters": "{"model":"gpt-4o-mini","temperature":0}",
            "llm.model_name": "gpt-4o-mini",
            "llm.provider": "openai",
            "llm.system": "openai",
            "llm.token_count.completion": 10,
            "llm.token_count.completion_details.reasoning": 0,
            "llm.token_count.prompt": 20,
            "llm.token_count.prompt_details.cache_read": 0,
            "llm.token_count.total": 30,
            "openai.response.service_tier": "default",
            "openai.response.system_fingerprint": "fp_mock",
            "openinference.span.kind": "LLM",
            "server.address": "127.0.0.1",
            "server.port": "<port>",
            "tracegate.attempt.id": "<attempt-id>",
            "tracegate.attempt.index": 1,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.depth": 0,
            "tracegate.path": "gateway",
            "tracegate.provider": "openai",
            "tracegate.retry.reason": "rate_limit",
            "tracegate.retry.wait_ms": "<ms>",
            "tracegate.route": "support-fast",
          },
          "events": [],
          "kind": "CLIENT",
          "name": "chat gpt-4o-mini",
          "parent": "chat support-fast",
          "status": "UNSET",
        },
      ]
    `);
  });

  it('a fallback to another provider', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 });
    const c = await ask();
    expect(getCallInfo(c)!.outcome).toBe('fallback_success');
    expect(summarizeAll(h.spans())).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "openinference.span.kind": "CHAIN",
            "tracegate.attempts": 3,
            "tracegate.cache.hit": false,
            "tracegate.call.id": "<call-id>",
            "tracegate.cost.total_usd": 0.00007,
            "tracegate.deployment.id": "support-accurate#0",
            "tracegate.fallback.alias": "support-accurate",
            "tracegate.fallback.used": true,
            "tracegate.model": "claude-haiku-4-5",
            "tracegate.operation": "chat",
            "tracegate.outcome": "fallback_success",
            "tracegate.provider": "anthropic",
            "tracegate.retries": 2,
            "tracegate.route": "support-fast",
            "tracegate.stream": false,
            "tracegate.usage.input_tokens": 20,
            "tracegate.usage.output_tokens": 10,
            "tracegate.usage.total_tokens": 30,
          },
          "events": [
            {
              "attributes": {
                "tracegate.decision.action": "select",
                "tracegate.deployment.id": "support-fast#0",
                "tracegate.route.alias": "support-fast",
                "tracegate.route.candidates": 1,
                "tracegate.route.strategy": "weighted",
              },
              "name": "tracegate.route",
            },
            {
              "attributes": {
                "error.type": "upstream_unavailable",
                "tracegate.decision.action": "switch",
                "tracegate.deployment.id": "support-fast#0",
                "tracegate.retry.count": 1,
              },
              "name": "tracegate.retry",
            },
            {
              "attributes": {
                "tracegate.decision.action": "wait",
                "tracegate.retry.round": 1,
                "tracegate.retry.wait_ms": "<ms>",
                "tracegate.retry.wait_source": "backoff",
                "tracegate.route.alias": "support-fast",
              },
              "name": "tracegate.retry",
            },
            {
              "attributes": {
                "tracegate.decision.action": "select",
                "tracegate.deployment.id": "support-fast#0",
                "tracegate.route.alias": "support-fast",
                "tracegate.route.candidates": 1,
                "tracegate.route.strategy": "weighted",
              },
              "name": "tracegate.route",
            },
            {
              "attributes": {
                "error.type": "upstream_unavailable",
                "tracegate.decision.action": "exhausted",
                "tracegate.retry.count": 1,
                "tracegate.route.alias": "support-fast",
              },
              "name": "tracegate.retry",
            },
            {
              "attributes": {
                "error.type": "upstream_unavailable",
                "tracegate.decision.action": "switch",
                "tracegate.fallback.depth": 1,
                "tracegate.fallback.from": "support-fast",
                "tracegate.fallback.kind": "general",
                "tracegate.fallback.to": "support-accurate",
              },
              "name": "tracegate.fallback",
            },
            {
              "attributes": {
                "tracegate.decision.action": "select",
                "tracegate.deployment.id": "support-accurate#0",
                "tracegate.route.alias": "support-accurate",
                "tracegate.route.candidates": 1,
                "tracegate.route.strategy": "weighted",
              },
              "name": "tracegate.route",
            },
          ],
          "kind": "INTERNAL",
          "name": "chat support-fast",
          "parent": null,
          "status": "UNSET",
        },
        {
          "attributes": {
            "error.type": "upstream_unavailable",
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.request.temperature": 0,
            "http.response.status_code": 503,
            "llm.invocation_parameters": "{"model":"gpt-4o-mini","temperature":0}",
            "llm.model_name": "gpt-4o-mini",
            "llm.provider": "openai",
            "llm.system": "openai",
            "openinference.span.kind": "LLM",
            "server.address": "127.0.0.1",
            "server.port": "<port>",
            "tracegate.attempt.id": "<attempt-id>",
            "tracegate.attempt.index": 0,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.depth": 0,
            "tracegate.path": "gateway",
            "tracegate.provider": "openai",
            "tracegate.route": "support-fast",
          },
          "events": [
            {
              "attributes": {
                "exception.message": "openai 503: The server is overloaded or not ready yet.",
                "exception.type": "UpstreamUnavailableError",
              },
              "name": "exception",
            },
          ],
          "kind": "CLIENT",
          "name": "chat gpt-4o-mini",
          "parent": "chat support-fast",
          "status": "ERROR: openai 503: The server is overloaded or not ready yet.",
        },
        {
          "attributes": {
            "error.type": "upstream_unavailable",
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.request.temperature": 0,
            "http.response.status_code": 503,
            "llm.invocation_parameters": "{"model":"gpt-4o-mini","temperature":0}",
            "llm.model_name": "gpt-4o-mini",
            "llm.provider": "openai",
            "llm.system": "openai",
            "openinference.span.kind": "LLM",
            "server.address": "127.0.0.1",
            "server.port": "<port>",
            "tracegate.attempt.id": "<attempt-id>",
            "tracegate.attempt.index": 1,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.depth": 0,
            "tracegate.path": "gateway",
            "tracegate.provider": "openai",
            "tracegate.retry.reason": "upstream_unavailable",
            "tracegate.retry.wait_ms": "<ms>",
            "tracegate.route": "support-fast",
          },
          "events": [
            {
              "attributes": {
                "exception.message": "openai 503: The server is overloaded or not ready yet.",
                "exception.type": "UpstreamUnavailableError",
              },
              "name": "exception",
            },
          ],
          "kind": "CLIENT",
          "name": "chat gpt-4o-mini",
          "parent": "chat support-fast",
          "status": "ERROR: openai 503: The server is overloaded or not ready yet.",
        },
        {
          "attributes": {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "anthropic",
            "gen_ai.request.model": "claude-haiku-4-5",
            "gen_ai.request.temperature": 0,
            "gen_ai.response.finish_reasons": [
              "stop",
            ],
            "gen_ai.response.id": "msg_mock3",
            "gen_ai.response.model": "claude-haiku-4-5",
            "gen_ai.usage.cache_creation.input_tokens": 0,
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.input_tokens": 20,
            "gen_ai.usage.output_tokens": 10,
            "http.response.status_code": 200,
            "llm.cost.completion": 0.00005,
            "llm.cost.prompt": 0.00002,
            "llm.cost.total": 0.00007,
            "llm.finish_reason": "stop",
            "llm.invocation_parameters": "{"model":"claude-haiku-4-5","temperature":0}",
            "llm.model_name": "claude-haiku-4-5",
            "llm.provider": "anthropic",
            "llm.system": "anthropic",
            "llm.token_count.completion": 10,
            "llm.token_count.prompt": 20,
            "llm.token_count.prompt_details.cache_read": 0,
            "llm.token_count.prompt_details.cache_write": 0,
            "llm.token_count.total": 30,
            "openinference.span.kind": "LLM",
            "server.address": "127.0.0.1",
            "server.port": "<port>",
            "tracegate.attempt.id": "<attempt-id>",
            "tracegate.attempt.index": 2,
            "tracegate.deployment.id": "support-accurate#0",
            "tracegate.fallback.depth": 1,
            "tracegate.path": "gateway",
            "tracegate.provider": "anthropic",
            "tracegate.retry.reason": "upstream_unavailable",
            "tracegate.route": "support-accurate",
          },
          "events": [],
          "kind": "CLIENT",
          "name": "chat claude-haiku-4-5",
          "parent": "chat support-fast",
          "status": "UNSET",
        },
      ]
    `);
  });

  it('an exhausted chain: every attempt and the call are errors', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'server_error', status: 503 }, { kind: 'server_error', status: 503 });
    t.mock.enqueue({ model: 'claude-haiku-4-5' }, { kind: 'server_error', status: 503 });
    await expect(ask()).rejects.toMatchObject({ errorClass: 'upstream_unavailable' });
    expect(summarizeAll(h.spans())).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "error.type": "upstream_unavailable",
            "openinference.span.kind": "CHAIN",
            "tracegate.attempts": 3,
            "tracegate.cache.hit": false,
            "tracegate.call.id": "<call-id>",
            "tracegate.fallback.used": false,
            "tracegate.operation": "chat",
            "tracegate.outcome": "exhausted",
            "tracegate.retries": 2,
            "tracegate.route": "support-fast",
            "tracegate.stream": false,
          },
          "events": [
            {
              "attributes": {
                "tracegate.decision.action": "select",
                "tracegate.deployment.id": "support-fast#0",
                "tracegate.route.alias": "support-fast",
                "tracegate.route.candidates": 1,
                "tracegate.route.strategy": "weighted",
              },
              "name": "tracegate.route",
            },
            {
              "attributes": {
                "error.type": "upstream_unavailable",
                "tracegate.decision.action": "switch",
                "tracegate.deployment.id": "support-fast#0",
                "tracegate.retry.count": 1,
              },
              "name": "tracegate.retry",
            },
            {
              "attributes": {
                "tracegate.decision.action": "wait",
                "tracegate.retry.round": 1,
                "tracegate.retry.wait_ms": "<ms>",
                "tracegate.retry.wait_source": "backoff",
                "tracegate.route.alias": "support-fast",
              },
              "name": "tracegate.retry",
            },
            {
              "attributes": {
                "tracegate.decision.action": "select",
                "tracegate.deployment.id": "support-fast#0",
                "tracegate.route.alias": "support-fast",
                "tracegate.route.candidates": 1,
                "tracegate.route.strategy": "weighted",
              },
              "name": "tracegate.route",
            },
            {
              "attributes": {
                "error.type": "upstream_unavailable",
                "tracegate.decision.action": "exhausted",
                "tracegate.retry.count": 1,
                "tracegate.route.alias": "support-fast",
              },
              "name": "tracegate.retry",
            },
            {
              "attributes": {
                "error.type": "upstream_unavailable",
                "tracegate.decision.action": "switch",
                "tracegate.fallback.depth": 1,
                "tracegate.fallback.from": "support-fast",
                "tracegate.fallback.kind": "general",
                "tracegate.fallback.to": "support-accurate",
              },
              "name": "tracegate.fallback",
            },
            {
              "attributes": {
                "tracegate.decision.action": "select",
                "tracegate.deployment.id": "support-accurate#0",
                "tracegate.route.alias": "support-accurate",
                "tracegate.route.candidates": 1,
                "tracegate.route.strategy": "weighted",
              },
              "name": "tracegate.route",
            },
            {
              "attributes": {
                "error.type": "upstream_unavailable",
                "tracegate.decision.action": "exhausted",
                "tracegate.retry.count": 2,
                "tracegate.route.alias": "support-accurate",
              },
              "name": "tracegate.retry",
            },
            {
              "attributes": {
                "exception.message": "anthropic 503: Service unavailable",
                "exception.type": "UpstreamUnavailableError",
              },
              "name": "exception",
            },
          ],
          "kind": "INTERNAL",
          "name": "chat support-fast",
          "parent": null,
          "status": "ERROR: anthropic 503: Service unavailable",
        },
        {
          "attributes": {
            "error.type": "upstream_unavailable",
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.request.temperature": 0,
            "http.response.status_code": 503,
            "llm.invocation_parameters": "{"model":"gpt-4o-mini","temperature":0}",
            "llm.model_name": "gpt-4o-mini",
            "llm.provider": "openai",
            "llm.system": "openai",
            "openinference.span.kind": "LLM",
            "server.address": "127.0.0.1",
            "server.port": "<port>",
            "tracegate.attempt.id": "<attempt-id>",
            "tracegate.attempt.index": 0,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.depth": 0,
            "tracegate.path": "gateway",
            "tracegate.provider": "openai",
            "tracegate.route": "support-fast",
          },
          "events": [
            {
              "attributes": {
                "exception.message": "openai 503: The server is overloaded or not ready yet.",
                "exception.type": "UpstreamUnavailableError",
              },
              "name": "exception",
            },
          ],
          "kind": "CLIENT",
          "name": "chat gpt-4o-mini",
          "parent": "chat support-fast",
          "status": "ERROR: openai 503: The server is overloaded or not ready yet.",
        },
        {
          "attributes": {
            "error.type": "upstream_unavailable",
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.request.temperature": 0,
            "http.response.status_code": 503,
            "llm.invocation_parameters": "{"model":"gpt-4o-mini","temperature":0}",
            "llm.model_name": "gpt-4o-mini",
            "llm.provider": "openai",
            "llm.system": "openai",
            "openinference.span.kind": "LLM",
            "server.address": "127.0.0.1",
            "server.port": "<port>",
            "tracegate.attempt.id": "<attempt-id>",
            "tracegate.attempt.index": 1,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.depth": 0,
            "tracegate.path": "gateway",
            "tracegate.provider": "openai",
            "tracegate.retry.reason": "upstream_unavailable",
            "tracegate.retry.wait_ms": "<ms>",
            "tracegate.route": "support-fast",
          },
          "events": [
            {
              "attributes": {
                "exception.message": "openai 503: The server is overloaded or not ready yet.",
                "exception.type": "UpstreamUnavailableError",
              },
              "name": "exception",
            },
          ],
          "kind": "CLIENT",
          "name": "chat gpt-4o-mini",
          "parent": "chat support-fast",
          "status": "ERROR: openai 503: The server is overloaded or not ready yet.",
        },
        {
          "attributes": {
            "error.type": "upstream_unavailable",
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "anthropic",
            "gen_ai.request.model": "claude-haiku-4-5",
            "gen_ai.request.temperature": 0,
            "http.response.status_code": 503,
            "llm.invocation_parameters": "{"model":"claude-haiku-4-5","temperature":0}",
            "llm.model_name": "claude-haiku-4-5",
            "llm.provider": "anthropic",
            "llm.system": "anthropic",
            "openinference.span.kind": "LLM",
            "server.address": "127.0.0.1",
            "server.port": "<port>",
            "tracegate.attempt.id": "<attempt-id>",
            "tracegate.attempt.index": 2,
            "tracegate.deployment.id": "support-accurate#0",
            "tracegate.fallback.depth": 1,
            "tracegate.path": "gateway",
            "tracegate.provider": "anthropic",
            "tracegate.retry.reason": "upstream_unavailable",
            "tracegate.route": "support-accurate",
          },
          "events": [
            {
              "attributes": {
                "exception.message": "anthropic 503: Service unavailable",
                "exception.type": "UpstreamUnavailableError",
              },
              "name": "exception",
            },
          ],
          "kind": "CLIENT",
          "name": "chat claude-haiku-4-5",
          "parent": "chat support-fast",
          "status": "ERROR: anthropic 503: Service unavailable",
        },
      ]
    `);
  });

  it('a budget rejection: a call span and no attempt', async () => {
    await expect(ask({ identity: { key: 'broke' } })).rejects.toBeInstanceOf(BudgetExceededError);
    expect(t.mock.calls).toHaveLength(0);
    expect(summarizeAll(h.spans())).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "error.type": "budget_exceeded",
            "openinference.span.kind": "CHAIN",
            "tracegate.attempts": 0,
            "tracegate.budget.action": "reject",
            "tracegate.budget.limit_usd": 0,
            "tracegate.budget.name": "key:broke/day",
            "tracegate.budget.spent_usd": 0,
            "tracegate.cache.hit": false,
            "tracegate.call.id": "<call-id>",
            "tracegate.fallback.used": false,
            "tracegate.operation": "chat",
            "tracegate.outcome": "budget_rejected",
            "tracegate.retries": 0,
            "tracegate.route": "support-fast",
            "tracegate.stream": false,
          },
          "events": [
            {
              "attributes": {
                "tracegate.budget.limit_usd": 0,
                "tracegate.budget.name": "key:broke/day",
                "tracegate.budget.spent_usd": 0,
                "tracegate.decision.action": "reject",
                "tracegate.deployment.id": "support-fast#0",
              },
              "name": "tracegate.budget",
            },
            {
              "attributes": {
                "exception.message": "budget "key:broke/day" is exhausted (0.000000 of 0 USD spent or reserved)",
                "exception.type": "BudgetExceededError",
              },
              "name": "exception",
            },
          ],
          "kind": "INTERNAL",
          "name": "chat support-fast",
          "parent": null,
          "status": "ERROR: budget "key:broke/day" is exhausted (0.000000 of 0 USD spent or reserved)",
        },
      ]
    `);
  });

  it('a cache hit: a call span, no attempt, no tokens spent, cost 0', async () => {
    await ask({ cache: true });
    h.reset();
    const c = await ask({ cache: true });
    expect(getCallInfo(c)!.outcome).toBe('cache_hit');
    expect(t.mock.calls).toHaveLength(1);
    expect(summarizeAll(h.spans())).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "openinference.span.kind": "CHAIN",
            "tracegate.attempts": 0,
            "tracegate.cache.action": "hit",
            "tracegate.cache.hit": true,
            "tracegate.cache.key": "554d78d4dfc5f4d1",
            "tracegate.cache.kind": "exact",
            "tracegate.call.id": "<call-id>",
            "tracegate.cost.total_usd": 0,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.used": false,
            "tracegate.model": "gpt-4o-mini",
            "tracegate.operation": "chat",
            "tracegate.outcome": "cache_hit",
            "tracegate.provider": "openai",
            "tracegate.retries": 0,
            "tracegate.route": "support-fast",
            "tracegate.stream": false,
          },
          "events": [
            {
              "attributes": {
                "tracegate.cache.key": "554d78d4dfc5f4d1",
                "tracegate.cache.kind": "exact",
                "tracegate.decision.action": "hit",
              },
              "name": "tracegate.cache",
            },
          ],
          "kind": "INTERNAL",
          "name": "chat support-fast",
          "parent": null,
          "status": "UNSET",
        },
      ]
    `);
  });

  it('nothing is left open', () => {
    expect(openSpanCount()).toBe(0);
  });

  it('retries, fallbacks and budget rejections are counted', async () => {
    const collected = await h.metrics();
    const sums = new Map<string, number>();
    for (const m of collected.scopeMetrics.flatMap((s) => s.metrics)) {
      if (m.descriptor.name.startsWith('tracegate.') && m.descriptor.name !== 'tracegate.call.duration' && m.descriptor.name !== 'tracegate.client.cost') {
        sums.set(m.descriptor.name, (m.dataPoints as DataPoint<number>[]).reduce((n, p) => n + p.value, 0));
      }
    }
    // retry test: 1 retry; fallback test: 1 retry + 1 fallback; exhausted: 1 retry + 1 fallback; budget: 1 rejection.
    expect(Object.fromEntries(sums)).toEqual({ 'tracegate.retries': 3, 'tracegate.fallbacks': 2, 'tracegate.budget.rejections': 1 });
  });
});

const mirrored = useMockRouter(h, {
  models: (base) => [
    { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base },
    { name: 'support-accurate', provider: 'openai', model: 'gpt-4o', apiKey: FAKE_KEY, baseURL: base },
  ],
  router: { mirror: { 'support-fast': { to: 'support-accurate', sampleRate: 1 } } },
});

describe('mirroring', () => {
  it('a shadow call is the root of its own trace, linked to the live call', async () => {
    await mirrored.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
    for (let i = 0; i < 200 && h.spans().length < 4; i++) await new Promise((r) => setTimeout(r, 5));
    const spans = h.spans();
    const live = spans.find((s) => s.name === 'chat support-fast')!;
    const shadow = spans.find((s) => s.name === 'chat support-accurate')!;
    expect(live.attributes['tracegate.mirror.alias']).toBe('support-accurate');
    expect(shadow.attributes['tracegate.shadow']).toBe(true);
    expect(shadow.parentSpanContext).toBeUndefined();
    expect(shadow.spanContext().traceId).not.toBe(live.spanContext().traceId);
    expect(shadow.links.map((l) => l.context.spanId)).toEqual([live.spanContext().spanId]);
    const shadowAttempt = spans.find((s) => s.name === 'chat gpt-4o')!;
    expect(shadowAttempt.parentSpanContext?.spanId).toBe(shadow.spanContext().spanId);
    expect(shadowAttempt.attributes['tracegate.shadow']).toBe(true);
  });
});
