/**
 * Whole-attribute-map snapshots of the call span and the attempt spans for the basic shapes of a
 * call (the router's policies are in router-spans.test.ts). Fake providers: `tracegate mock`.
 */
import { describe, expect, it } from 'vitest';
import { getCallInfo } from '../../src/index.js';
import { FAKE_KEY, setupTracing, summarizeAll, useMockRouter } from './harness.js';

const h = setupTracing();
const t = useMockRouter(h, {
  models: (base) => [
    { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: FAKE_KEY, baseURL: base },
    { name: 'embed', provider: 'openai', model: 'text-embedding-3-small', apiKey: FAKE_KEY, baseURL: base },
  ],
});

describe('span model', () => {
  it('plain call: a call span and one attempt span with the full attribute maps', async () => {
    const completion = await t.router.chat.completions.create(
      { model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }], temperature: 0, max_tokens: 50 },
      { metadata: { team: 'support' }, tags: ['faq'] },
    );
    expect(summarizeAll(h.spans())).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "openinference.span.kind": "CHAIN",
            "tag.tags": [
              "faq",
            ],
            "tracegate.attempts": 1,
            "tracegate.cache.hit": false,
            "tracegate.call.id": "<call-id>",
            "tracegate.cost.total_usd": 0.00000435,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.used": false,
            "tracegate.metadata.team": "support",
            "tracegate.model": "gpt-4o-mini",
            "tracegate.operation": "chat",
            "tracegate.outcome": "success",
            "tracegate.provider": "openai",
            "tracegate.retries": 0,
            "tracegate.route": "support-fast",
            "tracegate.stream": false,
            "tracegate.usage.input_tokens": 1,
            "tracegate.usage.output_tokens": 7,
            "tracegate.usage.total_tokens": 8,
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
          ],
          "kind": "INTERNAL",
          "name": "chat support-fast",
          "parent": null,
          "status": "UNSET",
        },
        {
          "attributes": {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.max_tokens": 50,
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.request.temperature": 0,
            "gen_ai.response.finish_reasons": [
              "stop",
            ],
            "gen_ai.response.id": "chatcmpl-mock1",
            "gen_ai.response.model": "gpt-4o-mini",
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.input_tokens": 1,
            "gen_ai.usage.output_tokens": 7,
            "gen_ai.usage.reasoning.output_tokens": 0,
            "http.response.status_code": 200,
            "llm.cost.completion": 0.0000042,
            "llm.cost.prompt": 1.5e-7,
            "llm.cost.total": 0.00000435,
            "llm.finish_reason": "stop",
            "llm.invocation_parameters": "{"model":"gpt-4o-mini","temperature":0,"max_tokens":50}",
            "llm.model_name": "gpt-4o-mini",
            "llm.provider": "openai",
            "llm.system": "openai",
            "llm.token_count.completion": 7,
            "llm.token_count.completion_details.reasoning": 0,
            "llm.token_count.prompt": 1,
            "llm.token_count.prompt_details.cache_read": 0,
            "llm.token_count.total": 8,
            "openai.response.service_tier": "default",
            "openai.response.system_fingerprint": "fp_mock",
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
          "events": [],
          "kind": "CLIENT",
          "name": "chat gpt-4o-mini",
          "parent": "chat support-fast",
          "status": "UNSET",
        },
      ]
    `);
    const info = getCallInfo(completion)!;
    const call = h.spans().find((s) => s.kind !== 2)!;
    const attempt = h.spans().find((s) => s.kind === 2)!;
    expect(info.trace).toEqual({
      traceId: call.spanContext().traceId,
      spanId: call.spanContext().spanId,
      attemptSpanId: attempt.spanContext().spanId,
      traceFlags: 1,
      traceparent: `00-${call.spanContext().traceId}-${attempt.spanContext().spanId}-01`,
    });
  });

  it('stream: time to first chunk, usage from the final chunk, both spans end when the stream ends', async () => {
    const stream = await t.router.chat.completions.create({
      model: 'support-fast',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
      top_p: 0.5,
      stop: 'END',
    });
    expect(h.spans()).toHaveLength(0);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Mock reply from gpt-4o-mini.');
    expect(summarizeAll(h.spans())).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "openinference.span.kind": "CHAIN",
            "tracegate.attempts": 1,
            "tracegate.cache.hit": false,
            "tracegate.call.id": "<call-id>",
            "tracegate.cost.total_usd": 0.00000435,
            "tracegate.deployment.id": "support-fast#0",
            "tracegate.fallback.used": false,
            "tracegate.model": "gpt-4o-mini",
            "tracegate.operation": "chat",
            "tracegate.outcome": "success",
            "tracegate.provider": "openai",
            "tracegate.retries": 0,
            "tracegate.route": "support-fast",
            "tracegate.stream": true,
            "tracegate.stream.outcome": "completed",
            "tracegate.time_to_first_chunk": "<seconds>",
            "tracegate.usage.input_tokens": 1,
            "tracegate.usage.output_tokens": 7,
            "tracegate.usage.total_tokens": 8,
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
          ],
          "kind": "INTERNAL",
          "name": "chat support-fast",
          "parent": null,
          "status": "UNSET",
        },
        {
          "attributes": {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.request.stop_sequences": [
              "END",
            ],
            "gen_ai.request.stream": true,
            "gen_ai.request.top_p": 0.5,
            "gen_ai.response.finish_reasons": [
              "stop",
            ],
            "gen_ai.response.id": "chatcmpl-mock1",
            "gen_ai.response.model": "gpt-4o-mini",
            "gen_ai.response.time_to_first_chunk": "<seconds>",
            "gen_ai.usage.cache_read.input_tokens": 0,
            "gen_ai.usage.input_tokens": 1,
            "gen_ai.usage.output_tokens": 7,
            "gen_ai.usage.reasoning.output_tokens": 0,
            "http.response.status_code": 200,
            "llm.cost.completion": 0.0000042,
            "llm.cost.prompt": 1.5e-7,
            "llm.cost.total": 0.00000435,
            "llm.finish_reason": "stop",
            "llm.invocation_parameters": "{"model":"gpt-4o-mini","top_p":0.5,"stop":"END"}",
            "llm.model_name": "gpt-4o-mini",
            "llm.provider": "openai",
            "llm.system": "openai",
            "llm.token_count.completion": 7,
            "llm.token_count.completion_details.reasoning": 0,
            "llm.token_count.prompt": 1,
            "llm.token_count.prompt_details.cache_read": 0,
            "llm.token_count.total": 8,
            "openai.response.system_fingerprint": "fp_mock",
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
            "tracegate.stream.delivered_chunks": 7,
            "tracegate.stream.outcome": "completed",
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

  it('embeddings: operation embeddings, EMBEDDING span kind, dimension count', async () => {
    await t.router.embeddings.create({ model: 'embed', input: 'hello', encoding_format: 'float', dimensions: 8 });
    expect(summarizeAll(h.spans())).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "openinference.span.kind": "CHAIN",
            "tracegate.attempts": 1,
            "tracegate.cache.hit": false,
            "tracegate.call.id": "<call-id>",
            "tracegate.cost.total_usd": 4e-8,
            "tracegate.deployment.id": "embed#0",
            "tracegate.fallback.used": false,
            "tracegate.model": "text-embedding-3-small",
            "tracegate.operation": "embeddings",
            "tracegate.outcome": "success",
            "tracegate.provider": "openai",
            "tracegate.retries": 0,
            "tracegate.route": "embed",
            "tracegate.usage.input_tokens": 2,
            "tracegate.usage.output_tokens": 0,
            "tracegate.usage.total_tokens": 2,
          },
          "events": [
            {
              "attributes": {
                "tracegate.decision.action": "select",
                "tracegate.deployment.id": "embed#0",
                "tracegate.route.alias": "embed",
                "tracegate.route.candidates": 1,
                "tracegate.route.strategy": "weighted",
              },
              "name": "tracegate.route",
            },
          ],
          "kind": "INTERNAL",
          "name": "embeddings embed",
          "parent": null,
          "status": "UNSET",
        },
        {
          "attributes": {
            "embedding.model_name": "text-embedding-3-small",
            "gen_ai.embeddings.dimension.count": 8,
            "gen_ai.operation.name": "embeddings",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.encoding_formats": [
              "float",
            ],
            "gen_ai.request.model": "text-embedding-3-small",
            "gen_ai.response.model": "text-embedding-3-small",
            "gen_ai.usage.input_tokens": 2,
            "http.response.status_code": 200,
            "llm.cost.completion": 0,
            "llm.cost.prompt": 4e-8,
            "llm.cost.total": 4e-8,
            "llm.invocation_parameters": "{"model":"text-embedding-3-small","encoding_format":"float","dimensions":8}",
            "llm.model_name": "text-embedding-3-small",
            "llm.provider": "openai",
            "llm.system": "openai",
            "llm.token_count.prompt": 2,
            "llm.token_count.total": 2,
            "openinference.span.kind": "EMBEDDING",
            "server.address": "127.0.0.1",
            "server.port": "<port>",
            "tracegate.attempt.id": "<attempt-id>",
            "tracegate.attempt.index": 0,
            "tracegate.deployment.id": "embed#0",
            "tracegate.fallback.depth": 0,
            "tracegate.path": "gateway",
            "tracegate.provider": "openai",
            "tracegate.route": "embed",
          },
          "events": [],
          "kind": "CLIENT",
          "name": "embeddings text-embedding-3-small",
          "parent": "embeddings embed",
          "status": "UNSET",
        },
      ]
    `);
  });

  it('a failed call: error status, error.type and exception event on both spans', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'bad_request', param: 'messages' });
    await expect(t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toThrow();
    expect(summarizeAll(h.spans())).toMatchInlineSnapshot(`
      [
        {
          "attributes": {
            "error.type": "bad_request",
            "openinference.span.kind": "CHAIN",
            "tracegate.attempts": 1,
            "tracegate.cache.hit": false,
            "tracegate.call.id": "<call-id>",
            "tracegate.fallback.used": false,
            "tracegate.operation": "chat",
            "tracegate.outcome": "error",
            "tracegate.retries": 0,
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
                "exception.message": "openai 400: Invalid request (tracegate mock).",
                "exception.type": "BadRequestError",
              },
              "name": "exception",
            },
          ],
          "kind": "INTERNAL",
          "name": "chat support-fast",
          "parent": null,
          "status": "ERROR: openai 400: Invalid request (tracegate mock).",
        },
        {
          "attributes": {
            "error.type": "bad_request",
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "http.response.status_code": 400,
            "llm.invocation_parameters": "{"model":"gpt-4o-mini"}",
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
                "exception.message": "openai 400: Invalid request (tracegate mock).",
                "exception.type": "BadRequestError",
              },
              "name": "exception",
            },
          ],
          "kind": "CLIENT",
          "name": "chat gpt-4o-mini",
          "parent": "chat support-fast",
          "status": "ERROR: openai 400: Invalid request (tracegate mock).",
        },
      ]
    `);
  });

  it('records the names of the tools offered and chosen, without content capture', async () => {
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { toolCalls: [{ name: 'lookup_order', arguments: { id: 'A-1' } }] } });
    await t.router.chat.completions.create({
      model: 'support-fast',
      messages: [{ role: 'user', content: 'Where is my order A-1?' }],
      tools: [
        { type: 'function', function: { name: 'lookup_order', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'refund', parameters: { type: 'object' } } },
      ],
    });
    const attempt = h.spans().find((s) => s.kind === 2)!;
    expect(attempt.attributes['tracegate.request.tools']).toEqual(['lookup_order', 'refund']);
    expect(attempt.attributes['tracegate.response.tool_calls']).toEqual(['lookup_order']);
    expect(attempt.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    // No content: neither the messages nor the arguments are recorded.
    expect(JSON.stringify(h.spans().map((s) => [s.attributes, s.events]))).not.toContain('A-1');
  });

  it('injects the attempt span\'s traceparent into the upstream request', async () => {
    await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
    const sc = h.spans().find((s) => s.kind === 2)!.spanContext();
    expect(t.mock.calls[0]!.headers.traceparent).toBe(`00-${sc.traceId}-${sc.spanId}-01`);
  });
});
