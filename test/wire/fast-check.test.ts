// The hand-compiled fast paths in front of the zod schemas (src/wire/fast-check.ts): they answer
// true for the common shapes, and never for anything the schema refuses; whatever they pass, the
// schema passes unchanged.
import { describe, expect, it } from 'vitest';
import { ChatCompletionCreateParamsSchema } from '../../src/wire/chat-request.js';
import { ChatCompletionSchema, UsageSchema } from '../../src/wire/chat-response.js';
import { isSimpleChatCompletion, isSimpleChatRequest, isSimpleUsage } from '../../src/wire/fast-check.js';

const base = { model: 'support-fast', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] };

/** Variants of a valid request, each changing one field: some valid, some not. */
const requestVariants: Record<string, unknown>[] = [
  base,
  { ...base, stream: true, stream_options: { include_usage: true } },
  { ...base, stream: null, stream_options: null, temperature: 0, top_p: 1, n: 1, max_tokens: 5, seed: -3, stop: ['a', 'b'], user: 'u', store: false, logprobs: true, top_logprobs: 20 },
  { ...base, messages: [{ role: 'assistant', content: null }, { role: 'tool', content: 'x', tool_call_id: 'c1' }, { role: 'developer', content: 'd', name: 'n' }] },
  { ...base, extra_field: { anything: [1, 2] } },
  { ...base, temperature: 2.5 },
  { ...base, temperature: -0.1 },
  { ...base, temperature: '1' },
  { ...base, temperature: Infinity },
  { ...base, top_p: 1.5 },
  { ...base, n: 0 },
  { ...base, n: 129 },
  { ...base, n: 1.5 },
  { ...base, max_tokens: 0 },
  { ...base, max_tokens: 2 ** 60 },
  { ...base, max_completion_tokens: -1 },
  { ...base, presence_penalty: 3 },
  { ...base, frequency_penalty: -2.5 },
  { ...base, top_logprobs: 21 },
  { ...base, seed: 0.5 },
  { ...base, stop: ['a', 'b', 'c', 'd', 'e'] },
  { ...base, stop: [1] },
  { ...base, stream: 'yes' },
  { ...base, stream_options: { include_usage: 'yes' } },
  { ...base, stream_options: 'x' },
  { ...base, parallel_tool_calls: null },
  { ...base, user: null },
  { ...base, reasoning_effort: 5 },
  { ...base, model: '' },
  { ...base, model: 3 },
  { ...base, messages: [] },
  { ...base, messages: 'hi' },
  { ...base, messages: [{ role: 'user' }] },
  { ...base, messages: [{ role: 'user', content: 5 }] },
  { ...base, messages: [{ role: 'user', content: null }] },
  { ...base, messages: [{ role: 'robot', content: 'x' }] },
  { ...base, messages: [{ role: 'user', content: 'x', name: null }] },
  { ...base, messages: [{ role: 'tool', content: 'x' }] },
  { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] },
  { ...base, messages: [{ role: 'assistant', content: 'x', tool_calls: [] }] },
  { ...base, tools: [{ type: 'function', function: { name: 'f' } }] },
  { ...base, tools: 'none' },
  { ...base, response_format: { type: 'json_object' } },
  { ...base, metadata: { a: 1 } },
];

describe('isSimpleChatRequest', () => {
  it('takes the common shapes', () => {
    expect(isSimpleChatRequest(base)).toBe(true);
    expect(isSimpleChatRequest(requestVariants[1])).toBe(true);
    expect(isSimpleChatRequest(requestVariants[2])).toBe(true);
    expect(isSimpleChatRequest(requestVariants[3])).toBe(true);
    expect(isSimpleChatRequest(requestVariants[4])).toBe(true);
  });

  it('passes nothing the schema refuses, and what it passes the schema returns unchanged', () => {
    let refused = 0;
    for (const v of requestVariants) {
      const zod = ChatCompletionCreateParamsSchema.safeParse(v);
      if (isSimpleChatRequest(v)) {
        expect(zod.success, JSON.stringify(v)).toBe(true);
        expect(zod.data).toEqual(v);
      }
      if (!zod.success) refused++;
    }
    expect(refused).toBeGreaterThan(25);
  });

  it('rejects non-objects', () => {
    for (const v of [null, undefined, 'x', 1, [], [base]]) expect(isSimpleChatRequest(v)).toBe(false);
  });
});

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: null },
  system_fingerprint: 'fp',
  service_tier: 'default',
};
const choice = completion.choices[0]!;
const completionVariants: Record<string, unknown>[] = [
  completion,
  { ...completion, usage: undefined, system_fingerprint: null },
  { ...completion, choices: [] },
  { ...completion, choices: [{ ...choice, message: { role: 'assistant', content: null } , finish_reason: null }] },
  { ...completion, id: 1 },
  { ...completion, object: 'chat.completion.chunk' },
  { ...completion, created: '1' },
  { ...completion, usage: { prompt_tokens: 1, completion_tokens: 2 } },
  { ...completion, usage: { ...completion.usage, prompt_tokens_details: { cached_tokens: 'x' } } },
  { ...completion, choices: [{ ...choice, finish_reason: 'done' }] },
  { ...completion, choices: [{ ...choice, finish_reason: undefined }] },
  { ...completion, choices: [{ ...choice, index: '0' }] },
  { ...completion, choices: [{ ...choice, message: { role: 'user', content: 'x' } }] },
  { ...completion, choices: [{ ...choice, message: { role: 'assistant', content: 5 } }] },
  { ...completion, choices: [{ ...choice, message: { role: 'assistant', content: 'x', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] } }] },
  { ...completion, choices: [{ ...choice, message: { role: 'assistant', content: 'x', tool_calls: [{ id: 'c' }] } }] },
  { ...completion, service_tier: 3 },
];

describe('isSimpleChatCompletion', () => {
  it('takes the common shapes', () => {
    for (const v of completionVariants.slice(0, 4)) expect(isSimpleChatCompletion(v), JSON.stringify(v)).toBe(true);
  });

  it('passes nothing the schema refuses, and what it passes the schema returns unchanged', () => {
    let refused = 0;
    for (const v of completionVariants) {
      const zod = ChatCompletionSchema.safeParse(v);
      if (isSimpleChatCompletion(v)) {
        expect(zod.success, JSON.stringify(v)).toBe(true);
        expect(zod.data).toEqual(v);
      }
      if (!zod.success) refused++;
    }
    expect(refused).toBeGreaterThan(8);
  });
});

describe('isSimpleUsage', () => {
  const usage = completion.usage;
  const variants: unknown[] = [
    usage,
    null,
    { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    { ...usage, completion_tokens_details: { reasoning_tokens: 1 } },
    { prompt_tokens: 1, completion_tokens: 2 },
    { ...usage, total_tokens: '3' },
    { ...usage, prompt_tokens_details: { cached_tokens: null } },
    { ...usage, completion_tokens_details: 'x' },
    'usage',
  ];
  it('takes the common shapes and passes nothing the schema refuses', () => {
    for (const v of variants.slice(0, 4)) expect(isSimpleUsage(v), JSON.stringify(v)).toBe(true);
    let refused = 0;
    for (const v of variants) {
      const zod = UsageSchema.nullish().safeParse(v);
      if (isSimpleUsage(v)) {
        expect(zod.success, JSON.stringify(v)).toBe(true);
        expect(zod.data).toEqual(v);
      }
      if (!zod.success) refused++;
    }
    expect(refused).toBeGreaterThanOrEqual(4);
  });
});
