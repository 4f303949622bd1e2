/**
 * Provider names for spans: the GenAI `gen_ai.provider.name` comes from the adapter itself
 * (`ProviderAdapter.genAiProviderName`), the OpenInference `llm.provider` / `llm.system` values
 * are derived from it.
 */
import { BUILTIN_GEN_AI_NAMES } from '../src/providers/builtin-names.js';
import { getProvider, hasProvider } from '../src/providers/registry.js';

const cache = new Map<string, string>();

/**
 * `gen_ai.provider.name` of a tracegate provider id: a registered adapter's own (a user's
 * `registerProvider`, seen by both builds, or a built-in once the router is loaded), else the
 * built-ins' table (the adapters themselves are not loaded for this), else the id as is.
 */
export function genAiProviderName(providerId: string): string {
  let name = cache.get(providerId);
  if (name === undefined) {
    name = hasProvider(providerId) ? getProvider(providerId).genAiProviderName : (BUILTIN_GEN_AI_NAMES[providerId] ?? providerId);
    cache.set(providerId, name);
  }
  return name;
}

const OPENINFERENCE_PROVIDER: Record<string, string> = {
  mistral_ai: 'mistralai',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  'aws.bedrock': 'aws',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  x_ai: 'xai',
  together_ai: 'together',
};

/** OpenInference `llm.provider` for a GenAI provider name. */
export function openInferenceProvider(genAi: string): string {
  return OPENINFERENCE_PROVIDER[genAi] ?? genAi;
}

/** OpenInference `LLMSystem` values (the AI product, not its host). */
const OPENINFERENCE_SYSTEM: Record<string, string> = {
  openai: 'openai',
  'azure.ai.openai': 'openai',
  anthropic: 'anthropic',
  mistral_ai: 'mistralai',
  cohere: 'cohere',
  'gcp.vertex_ai': 'vertexai',
  // OpenInference's own Google GenAI instrumentation reports Gemini as `vertexai`.
  'gcp.gemini': 'vertexai',
  'gcp.gen_ai': 'vertexai',
};

/** Bedrock model id prefixes (after an optional region prefix such as `us.`) → the model family's `LLMSystem`. */
const BEDROCK_FAMILY: Record<string, string> = {
  anthropic: 'anthropic',
  amazon: 'amazon',
  meta: 'meta',
  cohere: 'cohere',
  mistral: 'mistralai',
  ai21: 'ai21',
  openai: 'openai',
};

function bedrockSystem(model: string): string {
  const parts = model.split('.');
  for (const part of parts.slice(0, 2)) {
    const family = BEDROCK_FAMILY[part];
    if (family) return family;
  }
  // Other families (and ARNs of inference profiles) are still Amazon Bedrock's product.
  return 'amazon';
}

/** OpenInference `llm.system` when one clearly applies (Bedrock: by the model's family). */
export function openInferenceSystem(genAi: string, model = ''): string | undefined {
  if (genAi === 'aws.bedrock') return bedrockSystem(model);
  return OPENINFERENCE_SYSTEM[genAi];
}
