/**
 * The generic OpenAI-compatible adapter (any server with `/chat/completions`; configure
 * `baseURL`, and optionally `chatPath`, `embeddingsPath`, `authHeader`, `query` in the model
 * entry) and presets for well-known servers: base URL defaults and their quirks.
 */
import { createOpenAIStyleAdapter } from './openai-style.js';
import type { ProviderAdapter } from './types.js';

export const openaiCompatibleAdapter = createOpenAIStyleAdapter({
  id: 'openai-compatible',
  genAiProviderName: 'openai',
  apiKeyOptional: true,
});

/** Mistral takes `max_tokens` only, and `random_seed` instead of `seed`. */
function mistralBody(body: Record<string, unknown>): void {
  if (body.max_completion_tokens != null && body.max_tokens == null) body.max_tokens = body.max_completion_tokens;
  delete body.max_completion_tokens;
  if (body.seed != null && body.random_seed == null) body.random_seed = body.seed;
  delete body.seed;
  delete body.stream_options;
}

export const openaiCompatiblePresets: ProviderAdapter[] = [
  createOpenAIStyleAdapter({ id: 'vllm', genAiProviderName: 'vllm', defaultBaseURL: 'http://127.0.0.1:8000/v1', apiKeyOptional: true }),
  createOpenAIStyleAdapter({ id: 'ollama', genAiProviderName: 'ollama', defaultBaseURL: 'http://127.0.0.1:11434/v1', apiKeyOptional: true }),
  createOpenAIStyleAdapter({ id: 'groq', genAiProviderName: 'groq', defaultBaseURL: 'https://api.groq.com/openai/v1' }),
  createOpenAIStyleAdapter({
    id: 'mistral',
    genAiProviderName: 'mistral_ai',
    defaultBaseURL: 'https://api.mistral.ai/v1',
    streamUsageOption: false,
    prepareBody: mistralBody,
  }),
  createOpenAIStyleAdapter({ id: 'deepseek', genAiProviderName: 'deepseek', defaultBaseURL: 'https://api.deepseek.com/v1' }),
  createOpenAIStyleAdapter({ id: 'together', genAiProviderName: 'together_ai', defaultBaseURL: 'https://api.together.xyz/v1' }),
  createOpenAIStyleAdapter({ id: 'openrouter', genAiProviderName: 'openrouter', defaultBaseURL: 'https://openrouter.ai/api/v1' }),
  createOpenAIStyleAdapter({ id: 'xai', genAiProviderName: 'x_ai', defaultBaseURL: 'https://api.x.ai/v1' }),
];
