/**
 * OpenInference semantic conventions (Arize; `openinference-semantic-conventions`), so that
 * Phoenix and other OpenInference readers understand tracegate's spans. Token counts and cost sit
 * on attempt (LLM) spans only.
 */
import { attribute } from './registry.js';

export const ATTR_OPENINFERENCE_SPAN_KIND = attribute('openinference', 'openinference.span.kind', {
  type: 'string',
  on: ['call', 'attempt', 'evaluation'],
  description: '`CHAIN` on call spans, `LLM` (chat) or `EMBEDDING` on attempt spans, `EVALUATOR` on evaluation spans.',
});
export const OPENINFERENCE_SPAN_KIND = { chain: 'CHAIN', llm: 'LLM', embedding: 'EMBEDDING', evaluator: 'EVALUATOR', guardrail: 'GUARDRAIL' } as const;

export const ATTR_LLM_MODEL_NAME = attribute('openinference', 'llm.model_name', {
  type: 'string',
  on: ['attempt'],
  description: 'Response model when known, else the requested model.',
});
export const ATTR_LLM_PROVIDER = attribute('openinference', 'llm.provider', {
  type: 'string',
  on: ['attempt'],
  description: 'OpenInference provider value (`openai`, `anthropic`, `google`, `aws`, `azure`, `mistralai`, ...), else the GenAI provider name.',
});
export const ATTR_LLM_SYSTEM = attribute('openinference', 'llm.system', {
  type: 'string',
  on: ['attempt'],
  description: 'OpenInference `LLMSystem` (the AI product): `openai` (OpenAI, Azure OpenAI), `anthropic`, `vertexai` (Gemini, Vertex AI), `mistralai`, `cohere`; on Bedrock the model family (`anthropic`, `amazon`, `meta`, `cohere`, `mistralai`, `ai21`, `openai`; else `amazon`). Left out for providers with no `LLMSystem` value (Groq, DeepSeek, ...).',
});
export const ATTR_LLM_INVOCATION_PARAMETERS = attribute('openinference', 'llm.invocation_parameters', {
  type: 'string',
  on: ['attempt'],
  description: 'JSON of the sampling parameters sent (model, temperature, max tokens, ...; never messages or tools).',
});
export const ATTR_LLM_TOKEN_COUNT_PROMPT = attribute('openinference', 'llm.token_count.prompt', {
  type: 'int',
  on: ['attempt'],
  description: 'Prompt tokens.',
});
export const ATTR_LLM_TOKEN_COUNT_COMPLETION = attribute('openinference', 'llm.token_count.completion', {
  type: 'int',
  on: ['attempt'],
  description: 'Completion tokens.',
});
export const ATTR_LLM_TOKEN_COUNT_TOTAL = attribute('openinference', 'llm.token_count.total', {
  type: 'int',
  on: ['attempt'],
  description: 'Prompt + completion tokens.',
});
export const ATTR_LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_READ = attribute('openinference', 'llm.token_count.prompt_details.cache_read', {
  type: 'int',
  on: ['attempt'],
  description: 'Prompt tokens read from cache.',
});
export const ATTR_LLM_TOKEN_COUNT_PROMPT_DETAILS_CACHE_WRITE = attribute('openinference', 'llm.token_count.prompt_details.cache_write', {
  type: 'int',
  on: ['attempt'],
  description: 'Prompt tokens written to cache.',
});
export const ATTR_LLM_TOKEN_COUNT_COMPLETION_DETAILS_REASONING = attribute('openinference', 'llm.token_count.completion_details.reasoning', {
  type: 'int',
  on: ['attempt'],
  description: 'Reasoning tokens.',
});
export const ATTR_LLM_COST_PROMPT = attribute('openinference', 'llm.cost.prompt', {
  type: 'double',
  on: ['attempt'],
  description: 'USD for the prompt (cache reads and writes included).',
});
export const ATTR_LLM_COST_COMPLETION = attribute('openinference', 'llm.cost.completion', {
  type: 'double',
  on: ['attempt'],
  description: 'USD for the completion (reasoning included).',
});
export const ATTR_LLM_COST_TOTAL = attribute('openinference', 'llm.cost.total', { type: 'double', on: ['attempt'], description: 'USD for the attempt.' });
export const ATTR_LLM_COST_PROMPT_DETAILS_CACHE_READ = attribute('openinference', 'llm.cost.prompt_details.cache_read', {
  type: 'double',
  on: ['attempt'],
  description: 'USD for prompt tokens read from cache.',
});
export const ATTR_LLM_COST_PROMPT_DETAILS_CACHE_WRITE = attribute('openinference', 'llm.cost.prompt_details.cache_write', {
  type: 'double',
  on: ['attempt'],
  description: 'USD for prompt tokens written to cache.',
});
export const ATTR_LLM_COST_COMPLETION_DETAILS_REASONING = attribute('openinference', 'llm.cost.completion_details.reasoning', {
  type: 'double',
  on: ['attempt'],
  description: 'USD for reasoning tokens when priced separately.',
});
export const ATTR_INPUT_VALUE = attribute('openinference', 'input.value', {
  type: 'string',
  on: ['call', 'attempt'],
  optIn: true,
  description: 'The request messages as JSON (OpenAI shape), capped and redacted.',
});
export const ATTR_INPUT_MIME_TYPE = attribute('openinference', 'input.mime_type', {
  type: 'string',
  on: ['call', 'attempt'],
  optIn: true,
  description: '`application/json`.',
});
export const ATTR_OUTPUT_VALUE = attribute('openinference', 'output.value', {
  type: 'string',
  on: ['call', 'attempt'],
  optIn: true,
  description: 'The answer text (first choice; tool calls as JSON when there is no text), capped and redacted.',
});
export const ATTR_OUTPUT_MIME_TYPE = attribute('openinference', 'output.mime_type', {
  type: 'string',
  on: ['call', 'attempt'],
  optIn: true,
  description: '`text/plain` or `application/json`.',
});
export const ATTR_LLM_INPUT_MESSAGE_ROLE = attribute('openinference', 'llm.input_messages.<i>.message.role', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Role of request message i.',
});
export const ATTR_LLM_INPUT_MESSAGE_CONTENT = attribute('openinference', 'llm.input_messages.<i>.message.content', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Text of request message i.',
});
export const ATTR_LLM_INPUT_MESSAGE_TOOL_CALL_ID = attribute('openinference', 'llm.input_messages.<i>.message.tool_call_id', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Tool call a `tool` message answers.',
});
export const ATTR_LLM_INPUT_MESSAGE_TOOL_CALL_NAME = attribute('openinference', 'llm.input_messages.<i>.message.tool_calls.<j>.tool_call.function.name', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Tool an earlier assistant message called.',
});
export const ATTR_LLM_INPUT_MESSAGE_TOOL_CALL_ARGUMENTS = attribute(
  'openinference',
  'llm.input_messages.<i>.message.tool_calls.<j>.tool_call.function.arguments',
  { type: 'string', on: ['attempt'], optIn: true, description: 'Arguments (JSON text) of that call.' },
);
export const ATTR_LLM_OUTPUT_MESSAGE_ROLE = attribute('openinference', 'llm.output_messages.<i>.message.role', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Role of answer choice i (`assistant`).',
});
export const ATTR_LLM_OUTPUT_MESSAGE_CONTENT = attribute('openinference', 'llm.output_messages.<i>.message.content', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Text of answer choice i.',
});
export const ATTR_LLM_OUTPUT_MESSAGE_TOOL_CALL_ID = attribute('openinference', 'llm.output_messages.<i>.message.tool_calls.<j>.tool_call.id', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Id of a tool call the model made.',
});
export const ATTR_LLM_OUTPUT_MESSAGE_TOOL_CALL_NAME = attribute('openinference', 'llm.output_messages.<i>.message.tool_calls.<j>.tool_call.function.name', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Tool the model called.',
});
export const ATTR_LLM_OUTPUT_MESSAGE_TOOL_CALL_ARGUMENTS = attribute(
  'openinference',
  'llm.output_messages.<i>.message.tool_calls.<j>.tool_call.function.arguments',
  { type: 'string', on: ['attempt'], optIn: true, description: 'Arguments (JSON text) the model gave.' },
);
export const ATTR_LLM_FINISH_REASON = attribute('openinference', 'llm.finish_reason', {
  type: 'string',
  on: ['attempt'],
  description: 'Why the model stopped (the first choice\'s finish reason as the provider\'s answer gives it in the OpenAI shape).',
});
export const ATTR_LLM_TOOL_JSON_SCHEMA = attribute('openinference', 'llm.tools.<i>.tool.json_schema', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Tool i offered in the request: its definition as JSON (OpenAI `tools[i]`), redacted and capped.',
});
export const ATTR_EMBEDDING_MODEL_NAME = attribute('openinference', 'embedding.model_name', {
  type: 'string',
  on: ['attempt'],
  description: 'Embedding spans: the model (as `llm.model_name`).',
});
export const ATTR_EMBEDDING_TEXT = attribute('openinference', 'embedding.embeddings.<i>.embedding.text', {
  type: 'string',
  on: ['attempt'],
  optIn: true,
  description: 'Embedding spans: input text i, redacted and capped (string inputs only; token arrays are not text).',
});
export const ATTR_EMBEDDING_VECTOR = attribute('openinference', 'embedding.embeddings.<i>.embedding.vector', {
  type: 'double[]',
  on: ['attempt'],
  optIn: true,
  description: 'Embedding spans: the vector returned for input i (float answers only; base64 answers are not decoded).',
});
export const ATTR_TAG_TAGS = attribute('openinference', 'tag.tags', {
  type: 'string[]',
  on: ['call'],
  description: 'The call\'s `tags` request option.',
});
// OpenInference feedback ("Annotations and Evaluations"): results flattened under
// `evaluations.<index>.evaluation.*` on the span they describe. tracegate writes one result
// (index 0) per `evaluation {name}` span.
export const ATTR_EVALUATIONS_NAME = attribute('openinference', 'evaluations.<i>.evaluation.name', {
  type: 'string',
  on: ['evaluation'],
  description: 'Evaluator (criterion) name of result i (tracegate writes i = 0).',
});
export const ATTR_EVALUATIONS_SCORE = attribute('openinference', 'evaluations.<i>.evaluation.score', {
  type: 'double',
  on: ['evaluation'],
  description: 'Score of result i (0..1; its direction is the evaluator\'s).',
});
export const ATTR_EVALUATIONS_LABEL = attribute('openinference', 'evaluations.<i>.evaluation.label', {
  type: 'string',
  on: ['evaluation'],
  description: 'Label of result i.',
});
export const ATTR_EVALUATIONS_EXPLANATION = attribute('openinference', 'evaluations.<i>.evaluation.explanation', {
  type: 'string',
  on: ['evaluation'],
  optIn: true,
  description: 'Explanation of result i (only with content capture; redacted and capped like other content).',
});
export const ATTR_EVALUATIONS_ANNOTATOR_KIND = attribute('openinference', 'evaluations.<i>.evaluation.annotator_kind', {
  type: 'string',
  on: ['evaluation'],
  description: 'Who judged: `CODE` (deterministic evaluators) or `LLM` (judge methods).',
});

/** `evaluations.<i>.evaluation.<field>` for a concrete index. */
export function evaluationsAttr(i: number, field: 'name' | 'score' | 'label' | 'explanation' | 'annotator_kind'): string {
  return `evaluations.${i}.evaluation.${field}`;
}

/** `llm.tools.<i>.tool.json_schema` for a concrete index. */
export function llmToolSchemaAttr(i: number): string {
  return `llm.tools.${i}.tool.json_schema`;
}

/** `embedding.embeddings.<i>.embedding.<field>` for a concrete index. */
export function embeddingAttr(i: number, field: 'text' | 'vector'): string {
  return `embedding.embeddings.${i}.embedding.${field}`;
}

/** `llm.input_messages.<i>.message.<field>` for a concrete index. */
export function llmMessageAttr(direction: 'input' | 'output', i: number, field: string): string {
  return `llm.${direction}_messages.${i}.message.${field}`;
}

/** `llm.<dir>_messages.<i>.message.tool_calls.<j>.tool_call.<field>` for concrete indexes. */
export function llmToolCallAttr(direction: 'input' | 'output', i: number, j: number, field: 'id' | 'function.name' | 'function.arguments'): string {
  return `llm.${direction}_messages.${i}.message.tool_calls.${j}.tool_call.${field}`;
}
