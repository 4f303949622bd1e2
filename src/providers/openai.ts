/** OpenAI (api.openai.com). */
import { stripForeignMessageFields } from './message-fields.js';
import { createOpenAIStyleAdapter } from './openai-style.js';

/** Reasoning models reject `max_tokens`; they take `max_completion_tokens`. */
export function isOpenAIReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/.test(model);
}

export const openaiAdapter = createOpenAIStyleAdapter({
  id: 'openai',
  genAiProviderName: 'openai',
  defaultBaseURL: 'https://api.openai.com/v1',
  env: { apiKey: ['OPENAI_API_KEY'], baseURL: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'] },
  prepareBody(body, ctx) {
    stripForeignMessageFields(body);
    if (isOpenAIReasoningModel(ctx.deployment.model) && body.max_tokens != null && body.max_completion_tokens == null) {
      body.max_completion_tokens = body.max_tokens;
      delete body.max_tokens;
    }
  },
});
