/**
 * The generic OpenAI-compatible adapter (any server with `/chat/completions`; configure
 * `baseURL`, and optionally `chatPath`, `embeddingsPath`, `authHeader`, `query` in the model
 * entry) and presets for well-known servers: base URL defaults and their documented quirks.
 * Response-side quirks (`reasoning` instead of `reasoning_content`, Groq's `x_groq.usage`,
 * DeepSeek's cache-hit counts, Mistral tool calls without `index`/`type`) are normalized for every
 * OpenAI-wire adapter in openai-wire.ts.
 */
import { createHash } from 'node:crypto';
import { messages, stripForeignMessageFields, type Body, type Message } from './message-fields.js';
import { createOpenAIStyleAdapter } from './openai-style.js';
import type { ProviderAdapter } from './types.js';

function drop(body: Body, keys: readonly string[]): void {
  for (const k of keys) delete body[k];
}

/** A 9-character alphanumeric id, as Mistral requires for tool calls; stable for a given id. */
export function mistralToolCallId(id: string): string {
  if (/^[A-Za-z0-9]{9}$/.test(id)) return id;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const digest = createHash('sha256').update(id).digest();
  let out = '';
  for (let i = 0; i < 9; i++) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

/**
 * Mistral: `max_tokens` only, `random_seed` instead of `seed`, usage always in the last chunk (no
 * `stream_options`), unknown fields rejected with 422 (OpenAI-only fields are dropped), and tool-call
 * ids of exactly 9 alphanumerics (ids from other providers are mapped, consistently in assistant
 * tool calls and tool results).
 */
/** OpenAI-only request parameters Mistral refuses (422): stripped, or with `dropParams` dropped by name. */
const MISTRAL_REFUSED = ['user', 'store', 'metadata', 'service_tier', 'logit_bias', 'logprobs', 'top_logprobs', 'reasoning_effort'];

function mistralBody(body: Body): void {
  if (body.max_completion_tokens != null && body.max_tokens == null) body.max_tokens = body.max_completion_tokens;
  if (body.seed != null && body.random_seed == null) body.random_seed = body.seed;
  drop(body, ['max_completion_tokens', 'seed', 'stream_options', ...MISTRAL_REFUSED]);
  stripForeignMessageFields(body, ['refusal', 'annotations', 'audio']);
  body.messages = messages(body).map((m) => {
    if (m.role === 'tool' && typeof m.tool_call_id === 'string') return { ...m, tool_call_id: mistralToolCallId(m.tool_call_id) };
    if (m.role === 'assistant' && Array.isArray(m.tool_calls)) {
      return { ...m, tool_calls: (m.tool_calls as Message[]).map((tc) => (typeof tc.id === 'string' ? { ...tc, id: mistralToolCallId(tc.id) } : tc)) };
    }
    return m;
  });
}

/** Groq rejects `messages[].name` (and other providers' extra message fields) with a 400. */
function groqBody(body: Body): void {
  stripForeignMessageFields(body, ['name']);
}

/** OpenRouter takes reasoning settings as `reasoning: { effort }`. */
function openrouterBody(body: Body): void {
  if (typeof body.reasoning_effort === 'string' && body.reasoning === undefined) {
    body.reasoning = { effort: body.reasoning_effort };
    delete body.reasoning_effort;
  }
}

/** xAI Grok 4 models reject presence / frequency penalties and `reasoning_effort` (they always reason). */
function xaiRefused(model: string): string[] {
  return /^grok-4/.test(model) ? ['presence_penalty', 'frequency_penalty', 'reasoning_effort'] : [];
}

function xaiBody(body: Body, model: string): void {
  drop(body, xaiRefused(model));
}

/** The names in `keys` that `params` sets. */
function present(params: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => params[k] != null);
}

export const openaiCompatibleAdapter = createOpenAIStyleAdapter({
  id: 'openai-compatible',
  genAiProviderName: 'openai',
  apiKeyOptional: true,
  env: { apiKey: ['OPENAI_LIKE_API_KEY'] },
});

/** `http://host:port` → `http://host:port/v1`: servers whose OpenAI-compatible API lives under `/v1` (Ollama, TGI). */
export function withV1(base: string): string {
  return /\/v1$/.test(base) ? base : `${base}/v1`;
}

export const openaiCompatiblePresets: ProviderAdapter[] = [
  createOpenAIStyleAdapter({
    id: 'vllm',
    genAiProviderName: 'vllm',
    defaultBaseURL: 'http://127.0.0.1:8000/v1',
    apiKeyOptional: true,
    env: { apiKey: ['HOSTED_VLLM_API_KEY'], baseURL: ['HOSTED_VLLM_API_BASE'] },
  }),
  createOpenAIStyleAdapter({
    id: 'ollama',
    genAiProviderName: 'ollama',
    defaultBaseURL: 'http://127.0.0.1:11434/v1',
    apiKeyOptional: true,
    // Ollama's own base URL (`http://localhost:11434`, as LiteLLM takes it) serves the OpenAI API under /v1.
    baseURL: withV1,
    env: { baseURL: ['OLLAMA_API_BASE'] },
  }),
  createOpenAIStyleAdapter({ id: 'groq', genAiProviderName: 'groq', defaultBaseURL: 'https://api.groq.com/openai/v1', prepareBody: groqBody, env: { apiKey: ['GROQ_API_KEY'] } }),
  createOpenAIStyleAdapter({
    id: 'mistral',
    genAiProviderName: 'mistral_ai',
    defaultBaseURL: 'https://api.mistral.ai/v1',
    streamUsageOption: false,
    prepareBody: mistralBody,
    unsupportedParams: (params) => present(params, MISTRAL_REFUSED),
    env: { apiKey: ['MISTRAL_API_KEY'] },
  }),
  createOpenAIStyleAdapter({ id: 'deepseek', genAiProviderName: 'deepseek', defaultBaseURL: 'https://api.deepseek.com/v1', env: { apiKey: ['DEEPSEEK_API_KEY'] } }),
  createOpenAIStyleAdapter({
    id: 'together',
    genAiProviderName: 'together_ai',
    defaultBaseURL: 'https://api.together.xyz/v1',
    env: { apiKey: ['TOGETHERAI_API_KEY', 'TOGETHER_API_KEY', 'TOGETHER_AI_API_KEY'] },
  }),
  createOpenAIStyleAdapter({
    id: 'openrouter',
    genAiProviderName: 'openrouter',
    defaultBaseURL: 'https://openrouter.ai/api/v1',
    prepareBody: openrouterBody,
    env: { apiKey: ['OPENROUTER_API_KEY', 'OR_API_KEY'] },
  }),
  createOpenAIStyleAdapter({
    id: 'xai',
    genAiProviderName: 'x_ai',
    defaultBaseURL: 'https://api.x.ai/v1',
    prepareBody: (body, ctx) => xaiBody(body, ctx.deployment.model),
    unsupportedParams: (params, model) => present(params, xaiRefused(model)),
    env: { apiKey: ['XAI_API_KEY'] },
  }),
  createOpenAIStyleAdapter({
    id: 'fireworks',
    genAiProviderName: 'fireworks_ai',
    defaultBaseURL: 'https://api.fireworks.ai/inference/v1',
    env: { apiKey: ['FIREWORKS_AI_API_KEY', 'FIREWORKS_API_KEY', 'FIREWORKSAI_API_KEY'] },
  }),
  createOpenAIStyleAdapter({
    id: 'perplexity',
    genAiProviderName: 'perplexity',
    defaultBaseURL: 'https://api.perplexity.ai',
    env: { apiKey: ['PERPLEXITYAI_API_KEY', 'PERPLEXITY_API_KEY'] },
  }),
  createOpenAIStyleAdapter({
    id: 'deepinfra',
    genAiProviderName: 'deepinfra',
    defaultBaseURL: 'https://api.deepinfra.com/v1/openai',
    env: { apiKey: ['DEEPINFRA_API_KEY'] },
  }),
  createOpenAIStyleAdapter({ id: 'cerebras', genAiProviderName: 'cerebras', defaultBaseURL: 'https://api.cerebras.ai/v1', env: { apiKey: ['CEREBRAS_API_KEY'] } }),
  createOpenAIStyleAdapter({
    id: 'nvidia_nim',
    genAiProviderName: 'nvidia_nim',
    defaultBaseURL: 'https://integrate.api.nvidia.com/v1',
    env: { apiKey: ['NVIDIA_NIM_API_KEY'], baseURL: ['NVIDIA_NIM_API_BASE'] },
  }),
  createOpenAIStyleAdapter({
    id: 'lm_studio',
    genAiProviderName: 'lm_studio',
    defaultBaseURL: 'http://127.0.0.1:1234/v1',
    apiKeyOptional: true,
    env: { apiKey: ['LM_STUDIO_API_KEY'], baseURL: ['LM_STUDIO_API_BASE'] },
  }),
  // Hugging Face: the Inference Providers router (OpenAI-compatible), or a TGI / Inference
  // Endpoint given as baseURL (its OpenAI-compatible API is under /v1).
  createOpenAIStyleAdapter({
    id: 'huggingface',
    genAiProviderName: 'huggingface',
    defaultBaseURL: 'https://router.huggingface.co/v1',
    baseURL: withV1,
    env: { apiKey: ['HF_TOKEN', 'HUGGINGFACE_API_KEY'], baseURL: ['HF_API_BASE', 'HUGGINGFACE_API_BASE'] },
  }),
  // Cohere's OpenAI-compatible API (chat and embeddings).
  createOpenAIStyleAdapter({
    id: 'cohere',
    genAiProviderName: 'cohere',
    defaultBaseURL: 'https://api.cohere.ai/compatibility/v1',
    streamUsageOption: false,
    env: { apiKey: ['COHERE_API_KEY', 'CO_API_KEY'], baseURL: ['COHERE_API_BASE'] },
  }),
];
