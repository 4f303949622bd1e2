/**
 * OpenTelemetry GenAI semantic conventions, v1.41.0 (status: development), copied locally so a
 * change upstream never renames what tracegate emits. Names and units are from
 * `model/gen-ai/{registry,metrics,events}.yaml` of open-telemetry/semantic-conventions v1.41.0.
 */
import { attribute, event, metric, spanName } from './registry.js';

export const GEN_AI_SEMCONV_VERSION = '1.41.0';

// ---- span names -------------------------------------------------------------------------------
export const SPAN_GEN_AI_CLIENT = spanName('gen_ai', '{gen_ai.operation.name} {gen_ai.request.model}', {
  description: 'CLIENT span of one upstream attempt, e.g. `chat gpt-4o-mini` or `embeddings text-embedding-3-small`.',
  on: ['attempt'],
});

// ---- attributes ---------------------------------------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = attribute('gen_ai', 'gen_ai.operation.name', {
  type: 'string',
  on: ['attempt', 'metric'],
  description: '`chat` or `embeddings`.',
});
export const ATTR_GEN_AI_PROVIDER_NAME = attribute('gen_ai', 'gen_ai.provider.name', {
  type: 'string',
  on: ['attempt', 'metric'],
  description: 'Provider flavour (`openai`, `anthropic`, `aws.bedrock`, `gcp.gemini`, `azure.ai.openai`, ...), from the adapter.',
});
export const ATTR_GEN_AI_REQUEST_MODEL = attribute('gen_ai', 'gen_ai.request.model', {
  type: 'string',
  on: ['attempt', 'metric'],
  description: 'The deployment\'s model as sent upstream (not the alias).',
});
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = attribute('gen_ai', 'gen_ai.request.max_tokens', {
  type: 'int',
  on: ['attempt'],
  description: '`max_completion_tokens`, else `max_tokens`.',
});
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = attribute('gen_ai', 'gen_ai.request.temperature', {
  type: 'double',
  on: ['attempt'],
  description: 'Set whenever the request has it (0 included).',
});
export const ATTR_GEN_AI_REQUEST_TOP_P = attribute('gen_ai', 'gen_ai.request.top_p', { type: 'double', on: ['attempt'], description: '`top_p`.' });
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = attribute('gen_ai', 'gen_ai.request.frequency_penalty', {
  type: 'double',
  on: ['attempt'],
  description: '`frequency_penalty`.',
});
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = attribute('gen_ai', 'gen_ai.request.presence_penalty', {
  type: 'double',
  on: ['attempt'],
  description: '`presence_penalty`.',
});
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = attribute('gen_ai', 'gen_ai.request.stop_sequences', {
  type: 'string[]',
  on: ['attempt'],
  description: '`stop`, always as an array.',
});
export const ATTR_GEN_AI_REQUEST_SEED = attribute('gen_ai', 'gen_ai.request.seed', { type: 'int', on: ['attempt'], description: '`seed`.' });
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = attribute('gen_ai', 'gen_ai.request.choice.count', {
  type: 'int',
  on: ['attempt'],
  description: '`n`, when it is not 1.',
});
export const ATTR_GEN_AI_REQUEST_STREAM = attribute('gen_ai', 'gen_ai.request.stream', {
  type: 'boolean',
  on: ['attempt'],
  description: '`true` when the attempt streams (chat only); left out on unary calls.',
});
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = attribute('gen_ai', 'gen_ai.request.encoding_formats', {
  type: 'string[]',
  on: ['attempt'],
  description: 'Embeddings `encoding_format`.',
});
export const ATTR_GEN_AI_OUTPUT_TYPE = attribute('gen_ai', 'gen_ai.output.type', {
  type: 'string',
  on: ['attempt'],
  description: '`json` when `response_format` asks for JSON, `text` for `{type: "text"}`.',
});
export const ATTR_GEN_AI_RESPONSE_ID = attribute('gen_ai', 'gen_ai.response.id', {
  type: 'string',
  on: ['attempt', 'event', 'evaluation'],
  description: 'Completion id from the provider (on evaluation results: the evaluated completion, when known).',
});
export const ATTR_GEN_AI_RESPONSE_MODEL = attribute('gen_ai', 'gen_ai.response.model', {
  type: 'string',
  on: ['attempt', 'metric'],
  description: 'Model that produced the answer, as reported by the provider.',
});
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = attribute('gen_ai', 'openai.response.service_tier', {
  type: 'string',
  on: ['attempt'],
  description: 'Service tier of an OpenAI (or Azure OpenAI) answer, when the answer has one.',
});
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT = attribute('gen_ai', 'openai.response.system_fingerprint', {
  type: 'string',
  on: ['attempt'],
  description: 'System fingerprint of an OpenAI (or Azure OpenAI) answer, when the answer has one.',
});
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = attribute('gen_ai', 'gen_ai.response.finish_reasons', {
  type: 'string[]',
  on: ['attempt'],
  description: 'One finish reason per choice.',
});
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = attribute('gen_ai', 'gen_ai.response.time_to_first_chunk', {
  type: 'double',
  on: ['attempt'],
  description: 'Streams: seconds from the attempt\'s request to its first meaningful chunk.',
});
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = attribute('gen_ai', 'gen_ai.usage.input_tokens', {
  type: 'int',
  on: ['attempt'],
  description: 'Prompt tokens (cached and cache-write tokens included).',
});
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = attribute('gen_ai', 'gen_ai.usage.output_tokens', {
  type: 'int',
  on: ['attempt'],
  description: 'Completion tokens (reasoning tokens included).',
});
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = attribute('gen_ai', 'gen_ai.usage.cache_read.input_tokens', {
  type: 'int',
  on: ['attempt'],
  description: 'Prompt tokens served from the provider\'s cache.',
});
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = attribute('gen_ai', 'gen_ai.usage.cache_creation.input_tokens', {
  type: 'int',
  on: ['attempt'],
  description: 'Prompt tokens written to the provider\'s cache.',
});
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = attribute('gen_ai', 'gen_ai.usage.reasoning.output_tokens', {
  type: 'int',
  on: ['attempt'],
  description: 'Completion tokens spent on reasoning.',
});
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = attribute('gen_ai', 'gen_ai.embeddings.dimension.count', {
  type: 'int',
  on: ['attempt'],
  description: 'Length of the returned embedding vectors.',
});
export const ATTR_GEN_AI_INPUT_MESSAGES = attribute('gen_ai', 'gen_ai.input.messages', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'The request messages as JSON in the GenAI message format (`[{role, parts: [...]}]`), capped and redacted.',
});
export const ATTR_GEN_AI_OUTPUT_MESSAGES = attribute('gen_ai', 'gen_ai.output.messages', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'The answer choices as JSON in the GenAI message format (with `finish_reason`), capped and redacted.',
});
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = attribute('gen_ai', 'gen_ai.system_instructions', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description:
    'For providers that take instructions apart from the chat history (Anthropic `system`, Gemini `systemInstruction`, Bedrock Converse `system`): the system and developer messages as JSON parts (`[{type: "text", content}]`), capped and redacted; they are then left out of `gen_ai.input.messages`.',
});
export const ATTR_GEN_AI_TOKEN_TYPE = attribute('gen_ai', 'gen_ai.token.type', {
  type: 'string',
  on: ['metric'],
  description: '`input` or `output` on `gen_ai.client.token.usage`.',
});
export const ATTR_GEN_AI_EVALUATION_NAME = attribute('gen_ai', 'gen_ai.evaluation.name', {
  type: 'string',
  on: ['event', 'evaluation', 'metric'],
  description: 'Evaluator name on `gen_ai.evaluation.result`.',
});
export const ATTR_GEN_AI_EVALUATION_SCORE_VALUE = attribute('gen_ai', 'gen_ai.evaluation.score.value', {
  type: 'double',
  on: ['event', 'evaluation'],
  description: 'Score (0..1) on `gen_ai.evaluation.result`.',
});
export const ATTR_GEN_AI_EVALUATION_SCORE_LABEL = attribute('gen_ai', 'gen_ai.evaluation.score.label', {
  type: 'string',
  on: ['event', 'evaluation'],
  description: 'Label (`pass`, `fail`, ...) on `gen_ai.evaluation.result`.',
});
export const ATTR_GEN_AI_EVALUATION_EXPLANATION = attribute('gen_ai', 'gen_ai.evaluation.explanation', {
  type: 'string',
  on: ['event', 'evaluation'],
  optIn: true,
  description: 'Explanation on `gen_ai.evaluation.result` (may contain user data: follows content capture).',
});

// ---- events ---------------------------------------------------------------------------------------
export const EVENT_GEN_AI_EVALUATION_RESULT = event('gen_ai', 'gen_ai.evaluation.result', {
  on: ['attempt', 'evaluation'],
  description:
    'An evaluation of the answer (see `tracegate/evals`): on the answer\'s span while it is open, else on an `evaluation {name}` span; also a log record with this event name when a logger provider is configured.',
});

export const EVENT_GEN_AI_CLIENT_OPERATION_EXCEPTION = event('gen_ai', 'gen_ai.client.operation.exception', {
  on: ['attempt'],
  description:
    'A log record (severity WARN) for each failed attempt, in the attempt span\'s context, with `exception.type` (tracegate\'s error class) and `exception.message`, when a logger provider is configured.',
});

// ---- metrics --------------------------------------------------------------------------------------
/** Bucket boundaries the conventions ask for. */
export const GEN_AI_TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] as const;
export const GEN_AI_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] as const;

export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = metric('gen_ai', 'gen_ai.client.token.usage', {
  instrument: 'histogram',
  unit: '{token}',
  buckets: GEN_AI_TOKEN_BUCKETS,
  description: 'Tokens per attempt, by `gen_ai.token.type`.',
});
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = metric('gen_ai', 'gen_ai.client.operation.duration', {
  instrument: 'histogram',
  unit: 's',
  buckets: GEN_AI_DURATION_BUCKETS,
  description: 'Duration of each attempt (for streams: until the stream ended), `error.type` when it failed.',
});
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = metric('gen_ai', 'gen_ai.client.operation.time_to_first_chunk', {
  instrument: 'histogram',
  unit: 's',
  buckets: GEN_AI_DURATION_BUCKETS,
  description: 'Streaming attempts: time to the first chunk.',
});

export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK = metric('gen_ai', 'gen_ai.client.operation.time_per_output_chunk', {
  instrument: 'histogram',
  unit: 's',
  buckets: GEN_AI_DURATION_BUCKETS,
  description: 'Streaming attempts: for each chunk after the first, the time since the previous chunk (recorded when the attempt settles).',
});

/** Well-known `gen_ai.operation.name` values used by tracegate. */
export const GEN_AI_OPERATION = { chat: 'chat', embeddings: 'embeddings' } as const;
