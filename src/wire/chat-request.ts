/**
 * zod schemas of the OpenAI chat-completions request. Objects are loose: fields we do not
 * know pass through unchanged (providers add their own), while the fields we do know are
 * checked so that a mistake fails with a path such as `messages[2].role`.
 */
import { z } from 'zod';

export const TextPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });

export const ImagePartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});

export const InputAudioPartSchema = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({ data: z.string(), format: z.string() }),
});

export const FilePartSchema = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
});

export const RefusalPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

const UserPartSchema = z.discriminatedUnion('type', [
  TextPartSchema,
  ImagePartSchema,
  InputAudioPartSchema,
  FilePartSchema,
]);

export const ToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const SystemMessageSchema = z.looseObject({
  role: z.literal('system'),
  content: z.union([z.string(), z.array(TextPartSchema)]),
  name: z.string().optional(),
});

export const DeveloperMessageSchema = z.looseObject({
  role: z.literal('developer'),
  content: z.union([z.string(), z.array(TextPartSchema)]),
  name: z.string().optional(),
});

export const UserMessageSchema = z.looseObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(UserPartSchema)]),
  name: z.string().optional(),
});

export const AssistantMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: z
    .union([z.string(), z.array(z.discriminatedUnion('type', [TextPartSchema, RefusalPartSchema]))])
    .nullish(),
  refusal: z.string().nullish(),
  name: z.string().optional(),
  tool_calls: z.array(ToolCallSchema).optional(),
  function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
  /** Reasoning text returned earlier by a reasoning model (DeepSeek/vLLM convention). */
  reasoning_content: z.string().nullish(),
});

export const ToolMessageSchema = z.looseObject({
  role: z.literal('tool'),
  content: z.union([z.string(), z.array(TextPartSchema)]),
  tool_call_id: z.string(),
});

export const FunctionMessageSchema = z.looseObject({
  role: z.literal('function'),
  name: z.string(),
  content: z.string().nullable(),
});

export const ChatMessageSchema = z.discriminatedUnion('role', [
  SystemMessageSchema,
  DeveloperMessageSchema,
  UserMessageSchema,
  AssistantMessageSchema,
  ToolMessageSchema,
  FunctionMessageSchema,
]);

export const FunctionDefinitionSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  strict: z.boolean().nullish(),
});

export const ToolSchema = z.looseObject({
  type: z.literal('function'),
  function: FunctionDefinitionSchema,
});

export const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);

export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const int = () => z.number().int();

export const ChatCompletionCreateParamsSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessageSchema).min(1),
  tools: z.array(ToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: ResponseFormatSchema.optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: int().min(1).max(128).nullish(),
  max_tokens: int().min(1).nullish(),
  max_completion_tokens: int().min(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: int().min(0).max(20).nullish(),
  seed: int().nullish(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullish(),
  reasoning_effort: z.string().nullish(),
  service_tier: z.string().nullish(),
  store: z.boolean().nullish(),
  /** Legacy function calling. */
  functions: z.array(FunctionDefinitionSchema).optional(),
  function_call: z.union([z.enum(['none', 'auto']), z.looseObject({ name: z.string() })]).optional(),
});

export type TextPart = z.infer<typeof TextPartSchema>;
export type ImagePart = z.infer<typeof ImagePartSchema>;
export type ToolCall = z.infer<typeof ToolCallSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type SystemMessage = z.infer<typeof SystemMessageSchema>;
export type DeveloperMessage = z.infer<typeof DeveloperMessageSchema>;
export type UserMessage = z.infer<typeof UserMessageSchema>;
export type AssistantMessage = z.infer<typeof AssistantMessageSchema>;
export type ToolMessage = z.infer<typeof ToolMessageSchema>;
export type Tool = z.infer<typeof ToolSchema>;
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;
export type ChatCompletionCreateParams = z.infer<typeof ChatCompletionCreateParamsSchema>;
