/**
 * zod schema of the Anthropic Messages API request (`POST /v1/messages`). Content blocks are
 * checked by the translation to chat (to-chat.ts), which names the failing block
 * (`messages[2].content[1].type`). Unknown fields pass through and are ignored.
 */
import { z } from 'zod';

const TextBlockSchema = z.looseObject({ type: z.literal('text'), text: z.string() });

export const MessagesCreateParamsSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]) })),
  system: z.union([z.string(), z.array(TextBlockSchema)]).optional(),
  tools: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
  tool_choice: z
    .looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional(), disable_parallel_tool_use: z.boolean().optional() })
    .optional(),
  thinking: z.looseObject({ type: z.enum(['enabled', 'disabled', 'adaptive']), budget_tokens: z.number().int().optional() }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  stream: z.boolean().optional(),
});

/** `count_tokens` takes the same body without `max_tokens`. */
export const CountTokensParamsSchema = MessagesCreateParamsSchema.extend({ max_tokens: z.number().int().min(1).optional() });

export type MessagesCreateParams = z.infer<typeof MessagesCreateParamsSchema>;
