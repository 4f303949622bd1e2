/**
 * `gen_ai.provider.name` of each built-in adapter, by provider id, for code that names providers
 * without loading the adapters (the instrumentation: `tracegate/register` loads no adapter).
 * test/providers/builtin-names.test.ts checks it against the adapters' own `genAiProviderName`.
 */
export const BUILTIN_GEN_AI_NAMES: Readonly<Record<string, string>> = {
  openai: 'openai',
  'openai-completions': 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  bedrock: 'aws.bedrock',
  'openai-compatible': 'openai',
  vllm: 'vllm',
  ollama: 'ollama',
  groq: 'groq',
  mistral: 'mistral_ai',
  deepseek: 'deepseek',
  together: 'together_ai',
  openrouter: 'openrouter',
  xai: 'x_ai',
  fireworks: 'fireworks_ai',
  perplexity: 'perplexity',
  deepinfra: 'deepinfra',
  cerebras: 'cerebras',
  nvidia_nim: 'nvidia_nim',
  lm_studio: 'lm_studio',
  huggingface: 'huggingface',
  cohere: 'cohere',
};
