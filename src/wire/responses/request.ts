/**
 * zod schema of the OpenAI Responses API request (`POST /v1/responses`). The top level is
 * checked field by field; `input` items are checked by the translation to chat (to-chat.ts),
 * which names the failing item (`input[3].type`). Unknown fields pass through and are ignored.
 */
import { z } from 'zod';

const int = () => z.number().int();

export const ResponseTextFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);

export const ResponseToolSchema = z.looseObject({ type: z.string().min(1) });

export const ResponseCreateParamsSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.looseObject({}))]).optional(),
  instructions: z.string().nullish(),
  tools: z.array(ResponseToolSchema).nullish(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.string() })]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: ResponseTextFormatSchema.nullish(), verbosity: z.string().nullish() }).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
  max_output_tokens: int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  include: z.array(z.string()).nullish(),
  prompt_cache_key: z.string().nullish(),
  client_metadata: z.record(z.string(), z.unknown()).nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  service_tier: z.string().nullish(),
  truncation: z.string().nullish(),
  background: z.boolean().nullish(),
});

export type ResponseCreateParams = z.infer<typeof ResponseCreateParamsSchema>;
export type ResponseTool = z.infer<typeof ResponseToolSchema>;
