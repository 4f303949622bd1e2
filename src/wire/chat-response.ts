/**
 * zod schemas of the OpenAI `ChatCompletion` and `ChatCompletionChunk`. Used to check what an
 * OpenAI-compatible upstream sends (a malformed answer becomes an InvalidResponseError) and
 * as the normalized shape every adapter returns.
 */
import { z } from 'zod';

export const FinishReasonSchema = z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

export const UsageSchema = z.looseObject({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  prompt_tokens_details: z
    .looseObject({
      /** Input tokens read from the provider's prompt cache (included in prompt_tokens). */
      cached_tokens: z.number().optional(),
      /** Input tokens written to the provider's prompt cache (Anthropic, Bedrock; included in prompt_tokens). */
      cache_creation_tokens: z.number().optional(),
      audio_tokens: z.number().optional(),
    })
    .nullish(),
  completion_tokens_details: z
    .looseObject({
      reasoning_tokens: z.number().optional(),
      audio_tokens: z.number().optional(),
      accepted_prediction_tokens: z.number().optional(),
      rejected_prediction_tokens: z.number().optional(),
    })
    .nullish(),
});

const ResponseToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const ResponseMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: z.string().nullable(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ResponseToolCallSchema).optional(),
  /** Reasoning text, for providers that return it (Anthropic thinking, Gemini thoughts, DeepSeek). */
  reasoning_content: z.string().nullish(),
});

export const ChatCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number(),
      message: ResponseMessageSchema,
      finish_reason: FinishReasonSchema.nullable(),
      logprobs: z.unknown().optional(),
    }),
  ),
  usage: UsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
  service_tier: z.string().nullish(),
});

export const ChunkToolCallSchema = z.looseObject({
  index: z.number(),
  id: z.string().optional(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});

export const ChatCompletionChunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number(),
      delta: z.looseObject({
        role: z.literal('assistant').optional(),
        content: z.string().nullish(),
        refusal: z.string().nullish(),
        tool_calls: z.array(ChunkToolCallSchema).optional(),
        reasoning_content: z.string().nullish(),
      }),
      finish_reason: FinishReasonSchema.nullable().optional(),
      logprobs: z.unknown().optional(),
    }),
  ),
  usage: UsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
});

export type FinishReason = z.infer<typeof FinishReasonSchema>;
export type Usage = z.infer<typeof UsageSchema>;
export type ResponseMessage = z.infer<typeof ResponseMessageSchema>;
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;
export type ChatCompletionChoice = ChatCompletion['choices'][number];
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunkSchema>;
export type ChunkChoice = ChatCompletionChunk['choices'][number];
export type ChunkToolCall = z.infer<typeof ChunkToolCallSchema>;
