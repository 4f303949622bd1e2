/**
 * The Vercel AI SDK's default OpenAI provider (`createOpenAI()(model)`, which speaks the
 * Responses API) against the proxy, unchanged, with an OpenAI, an Anthropic and a Gemini
 * deployment behind the alias (the mock, over real HTTP): generateText, streamText, a tool loop
 * (the SDK runs the tool and sends its result back), and structured output (JSON schema).
 */
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, Output, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEY_ALL, startStack, type Stack } from '../proxy/helpers.js';
import { FAMILIES, ingressModels } from './helpers.js';

let s: Stack;
let provider: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  s = await startStack((mock) => ({ models: ingressModels(mock), keys: [{ id: 'all', key: KEY_ALL }] }));
  provider = createOpenAI({ baseURL: `${s.proxy.url}/v1`, apiKey: KEY_ALL });
});
beforeEach(() => s.mock.reset());
afterAll(() => s.close());

describe.each(['via-openai', 'via-anthropic', 'via-gemini'] as const)('AI SDK default OpenAI provider through %s', (alias) => {
  const upstream = FAMILIES[alias].model;

  it('generateText: text, usage, finish reason; it went through /v1/responses', async () => {
    const r = await generateText({ model: provider(alias), system: 'Be brief.', prompt: 'Say hi', maxRetries: 0 });
    expect(r.text).toBe(`Mock reply from ${upstream}.`);
    expect(r.finishReason).toBe('stop');
    expect(r.usage.inputTokens).toBeGreaterThan(0);
    expect(r.usage.outputTokens).toBeGreaterThan(0);
    expect(r.response.headers?.['x-tracegate-deployment']).toBe(`${alias}#0`);
    expect(JSON.stringify(s.mock.calls[0]?.body)).toContain('Be brief.');
    // The Responses API's request shape (`input` items, no `messages`) and its response (`output` items).
    const sent = (typeof r.request.body === 'string' ? JSON.parse(r.request.body) : r.request.body) as Record<string, unknown>;
    expect(sent.input).toBeDefined();
    expect(sent.messages).toBeUndefined();
    expect((r.response.body as { object?: string }).object).toBe('response');
  });

  it('streamText: the deltas and the final text', async () => {
    const r = streamText({ model: provider(alias), prompt: 'Say hi', maxRetries: 0 });
    const parts: string[] = [];
    for await (const t of r.textStream) parts.push(t);
    expect(parts.join('')).toBe(`Mock reply from ${upstream}.`);
    expect(parts.length).toBeGreaterThan(1);
    expect(await r.finishReason).toBe('stop');
    expect((await r.usage).outputTokens).toBeGreaterThan(0);
  });

  it('a tool loop: the model calls the tool, the SDK runs it and sends the result, the model answers', async () => {
    s.mock.enqueue(
      { model: upstream },
      { kind: 'ok', reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] } },
      { kind: 'ok', reply: { text: 'It is 21 degrees in Paris.' } },
    );
    const seen: unknown[] = [];
    const r = await generateText({
      model: provider(alias),
      prompt: 'Weather in Paris?',
      maxRetries: 0,
      stopWhen: stepCountIs(3),
      tools: {
        get_weather: tool({
          description: 'Weather of a city',
          inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
          execute: async (input) => {
            seen.push(input);
            return { temp_c: 21 };
          },
        }),
      },
    });
    expect(seen).toEqual([{ city: 'Paris' }]);
    expect(r.text).toBe('It is 21 degrees in Paris.');
    expect(r.steps).toHaveLength(2);
    expect(JSON.stringify(s.mock.calls[1]?.body)).toContain('temp_c');
  });

  it('structured output: the JSON schema reaches the provider, the object comes back parsed', async () => {
    s.mock.enqueue({ model: upstream }, { kind: 'ok', reply: { text: '{"city":"Paris","temp_c":21}' } });
    const r = await generateText({
      model: provider(alias),
      prompt: 'Weather as JSON',
      maxRetries: 0,
      output: Output.object({
        schema: jsonSchema<{ city: string; temp_c: number }>({
          type: 'object',
          properties: { city: { type: 'string' }, temp_c: { type: 'number' } },
          required: ['city', 'temp_c'],
          additionalProperties: false,
        }),
      }),
    });
    expect(r.output).toEqual({ city: 'Paris', temp_c: 21 });
    expect(JSON.stringify(s.mock.calls[0]?.body)).toContain('temp_c');
  });
});
