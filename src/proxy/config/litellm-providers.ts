/**
 * LiteLLM's provider prefixes (`openai/gpt-4o`, `together_ai/...`) and the tracegate provider
 * each maps to, the provider of an unprefixed model name as LiteLLM infers it (`gpt-*` → openai,
 * `claude-*` → anthropic, ...), and LiteLLM's catch-all `model: "*"` as wildcard entries per
 * provider. Used by the proxy's LiteLLM reader and by `tracegate report --config`.
 */

/** Prefix → tracegate provider id. */
export const LITELLM_PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  'text-completion-openai': 'openai-completions',
  azure: 'azure',
  anthropic: 'anthropic',
  gemini: 'gemini',
  bedrock: 'bedrock',
  groq: 'groq',
  mistral: 'mistral',
  deepseek: 'deepseek',
  together_ai: 'together',
  openrouter: 'openrouter',
  xai: 'xai',
  ollama: 'ollama',
  ollama_chat: 'ollama',
  hosted_vllm: 'vllm',
  fireworks_ai: 'fireworks',
  perplexity: 'perplexity',
  deepinfra: 'deepinfra',
  cerebras: 'cerebras',
  nvidia_nim: 'nvidia_nim',
  lm_studio: 'lm_studio',
  openai_like: 'openai-compatible',
  custom_openai: 'openai-compatible',
  huggingface: 'huggingface',
  cohere: 'cohere',
  cohere_chat: 'cohere',
};

/** Known LiteLLM prefixes tracegate has no adapter for (a clear error naming them). */
export const UNSUPPORTED_PREFIXES: ReadonlySet<string> = new Set([
  'sagemaker',
  'sagemaker_chat',
  'vertex_ai',
  'vertex_ai_beta',
  'watsonx',
  'replicate',
  'azure_ai',
  'azure_text',
  'databricks',
  'predibase',
  'cloudflare',
  'ai21',
  'nlp_cloud',
  'aleph_alpha',
  'petals',
  'palm',
  'baseten',
  'clarifai',
  'triton',
  'vllm',
  'xinference',
  'voyage',
  'jina_ai',
  'dashscope',
  'moonshot',
  'volcengine',
  'codestral',
  'text-completion-codestral',
  'github',
  'friendliai',
  'anyscale',
  'maritalk',
  'oci',
  'snowflake',
]);

/** The provider LiteLLM uses for a model name without a prefix, when it knows it. */
export function inferProvider(model: string): string | undefined {
  if (/-instruct(-\d+)?$/.test(model) && model.startsWith('gpt-3.5') || /^(davinci|babbage)-/.test(model)) return 'openai-completions';
  if (/^(gpt-|o\d|chatgpt-|text-embedding-|dall-e|whisper|tts-|omni-moderation|text-moderation)/.test(model)) return 'openai';
  if (model.startsWith('claude')) return 'anthropic';
  if (model.startsWith('gemini')) return 'gemini';
  if (/^command(-|$)|^embed-(english|multilingual)/.test(model)) return 'cohere';
  return undefined;
}

/** Splits `prefix/model` at the first slash (LiteLLM reads the part before it as the provider). */
export function splitPrefix(modelString: string): { prefix?: string; model: string } {
  const slash = modelString.indexOf('/');
  if (slash <= 0) return { model: modelString };
  return { prefix: modelString.slice(0, slash), model: modelString.slice(slash + 1) };
}

/**
 * LiteLLM's `model_name: "*"` + `model: "*"`: any model of any provider whose credentials are in
 * the environment. As wildcard entries: unprefixed names of the providers LiteLLM infers
 * (`gpt-*`, `claude*`, ...) and `<prefix>/*` for every supported prefix.
 */
export const CATCH_ALL_PATTERNS: readonly { name: string; provider: string }[] = [
  { name: 'gpt-*', provider: 'openai' },
  { name: 'o1*', provider: 'openai' },
  { name: 'o3*', provider: 'openai' },
  { name: 'o4*', provider: 'openai' },
  { name: 'chatgpt-*', provider: 'openai' },
  { name: 'text-embedding-*', provider: 'openai' },
  { name: 'claude*', provider: 'anthropic' },
  { name: 'gemini*', provider: 'gemini' },
  { name: 'command*', provider: 'cohere' },
  ...Object.entries(LITELLM_PROVIDERS).map(([prefix, provider]) => ({ name: `${prefix}/*`, provider })),
];
