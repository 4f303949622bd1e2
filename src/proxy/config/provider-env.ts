/**
 * Provider credentials from the standard environment variables, as LiteLLM (and each provider's
 * SDK) reads them: an entry without `apiKey` takes `OPENAI_API_KEY`, `ANTHROPIC_API_KEY`,
 * `AZURE_API_KEY`, ...; without `baseURL` (Azure), `AZURE_API_BASE`; without `apiVersion`,
 * `AZURE_API_VERSION`. The names are declared by each adapter (`ProviderAdapter.env`); Bedrock
 * reads `AWS_*` itself. Applies to both config formats. Entries of LiteLLM's catch-all
 * `model: "*"` are kept only for providers whose credentials are there.
 */
import '../../providers/builtin.js';
import { getProvider, hasProvider } from '../../providers/registry.js';

type Obj = Record<string, unknown>;

function first(env: NodeJS.ProcessEnv, names: readonly string[] | undefined): string | undefined {
  for (const n of names ?? []) {
    const v = env[n];
    if (v) return v;
  }
  return undefined;
}

/** Providers that serve without a key (local servers) or sign with AWS credentials. */
function hasCredentials(provider: string, entry: Obj, env: NodeJS.ProcessEnv): boolean {
  if (entry.apiKey) return true;
  if (provider === 'bedrock') return !!(env.AWS_ACCESS_KEY_ID || env.AWS_BEARER_TOKEN_BEDROCK);
  return ['ollama', 'vllm', 'lm_studio'].includes(provider);
}

/**
 * Fills keys, base URLs and settings from the environment (in place, on a copy of each entry);
 * returns the entries, without catch-all entries that have no credentials.
 */
export function applyProviderEnv(models: unknown, env: NodeJS.ProcessEnv): unknown {
  if (!Array.isArray(models)) return models;
  const out: unknown[] = [];
  for (const m of models) {
    if (!m || typeof m !== 'object' || Array.isArray(m) || typeof (m as Obj).provider !== 'string' || !hasProvider((m as Obj).provider as string)) {
      out.push(m);
      continue;
    }
    const entry: Obj = { ...(m as Obj) };
    const provider = entry.provider as string;
    const spec = getProvider(provider).env;
    if (spec) {
      if (entry.apiKey === undefined) {
        const v = first(env, spec.apiKey);
        if (v !== undefined) entry.apiKey = v;
      }
      if (entry.baseURL === undefined) {
        const v = first(env, spec.baseURL);
        if (v !== undefined) entry.baseURL = v.replace(/\/+$/, '');
      }
      // An entry that names its own AWS key id, profile or credential chain keeps it.
      const ownKeyId = entry.accessKeyId !== undefined || entry.profile !== undefined || entry.credentials !== undefined;
      for (const [setting, names] of Object.entries(spec.settings ?? {})) {
        if (ownKeyId && (setting === 'accessKeyId' || setting === 'secretAccessKey' || setting === 'sessionToken')) continue;
        if (entry.apiKey !== undefined && setting !== 'region' && provider === 'bedrock') continue;
        if (entry[setting] === undefined) {
          const v = first(env, names);
          if (v !== undefined) entry[setting] = v;
        }
      }
    }
    if (entry.catchAll !== undefined) {
      delete entry.catchAll;
      if (!hasCredentials(provider, entry, env)) continue;
    }
    out.push(entry);
  }
  return out;
}

/** The environment variables an entry's key may come from (for error messages). */
export function apiKeyVariables(provider: string): readonly string[] {
  return hasProvider(provider) ? (getProvider(provider).env?.apiKey ?? []) : [];
}
