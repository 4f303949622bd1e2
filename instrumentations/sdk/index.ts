/**
 * The provider SDK instrumentations `register()` turns on, and which of them are switched off:
 * `register({ sdk: false })` (none), `register({ sdk: { anthropic: false } })`, or the
 * environment: `OTEL_NODE_DISABLED_INSTRUMENTATIONS` / `OTEL_NODE_ENABLED_INSTRUMENTATIONS`
 * (comma-separated ids, as for the OpenTelemetry Node auto-instrumentations) and
 * `TRACEGATE_DISABLED_INSTRUMENTATIONS`. Ids: `openai`, `anthropic`, `google-genai`,
 * `bedrock-runtime`.
 */
import type { SdkInstrumentation, SdkInstrumentationConfig } from './base.js';
import { AnthropicSdkInstrumentation } from './anthropic.js';
import { BedrockSdkInstrumentation } from './bedrock.js';
import { GoogleGenAISdkInstrumentation } from './google-genai.js';
import { OpenAISdkInstrumentation } from './openai.js';

export { SdkInstrumentation, type SdkInstrumentationConfig } from './base.js';
export { OpenAISdkInstrumentation, AnthropicSdkInstrumentation, GoogleGenAISdkInstrumentation, BedrockSdkInstrumentation };

export const SDK_INSTRUMENTATIONS = {
  openai: { module: 'openai', create: (c: SdkInstrumentationConfig) => new OpenAISdkInstrumentation(c) },
  anthropic: { module: '@anthropic-ai/sdk', create: (c: SdkInstrumentationConfig) => new AnthropicSdkInstrumentation(c) },
  'google-genai': { module: '@google/genai', create: (c: SdkInstrumentationConfig) => new GoogleGenAISdkInstrumentation(c) },
  'bedrock-runtime': { module: '@aws-sdk/client-bedrock-runtime', create: (c: SdkInstrumentationConfig) => new BedrockSdkInstrumentation(c) },
} as const;

export type SdkId = keyof typeof SDK_INSTRUMENTATIONS;
export const SDK_IDS = Object.keys(SDK_INSTRUMENTATIONS) as SdkId[];

/** Package names the ESM loader hook intercepts (only these: every other module loads untouched). */
export const SDK_MODULES: readonly string[] = SDK_IDS.map((id) => SDK_INSTRUMENTATIONS[id].module);

/** `true` (all, the default), `false` (none), or per id. */
export type SdkSelection = boolean | Partial<Record<SdkId, boolean>>;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** The ids to turn on, from the option and the environment (an explicit `true` in the option wins over the environment). */
export function selectSdkIds(selection: SdkSelection | undefined, env: NodeJS.ProcessEnv): SdkId[] {
  if (selection === false) return [];
  const disabled = new Set([...list(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS), ...list(env.TRACEGATE_DISABLED_INSTRUMENTATIONS)]);
  const enabledList = list(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS);
  return SDK_IDS.filter((id) => {
    const explicit = typeof selection === 'object' ? selection[id] : undefined;
    if (explicit !== undefined) return explicit;
    if (enabledList.length && !enabledList.includes(id)) return false;
    return !disabled.has(id);
  });
}

export function createSdkInstrumentations(ids: readonly SdkId[], config: SdkInstrumentationConfig): SdkInstrumentation[] {
  return ids.map((id) => SDK_INSTRUMENTATIONS[id].create(config));
}
