/** A proxy in front of `tracegate mock` with one alias per provider family, for the ingress tests. */
import type { MockServer } from '../../src/mock/index.js';
import { PROVIDER_KEY } from '../proxy/helpers.js';

export const AWS = { region: 'us-east-1', accessKeyId: 'AKIAINGRESSTEST00001', secretAccessKey: 'ingress-secret-key-000001' };

/** Upstream model per alias, and the mock dialect that serves it. */
export const FAMILIES = {
  'via-openai': { provider: 'openai', model: 'gpt-4o-mini', dialect: 'openai' },
  'via-anthropic': { provider: 'anthropic', model: 'claude-sonnet-4-5', dialect: 'anthropic' },
  'via-gemini': { provider: 'gemini', model: 'gemini-2.5-flash', dialect: 'gemini' },
  'via-bedrock': { provider: 'bedrock', model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', dialect: 'bedrock' },
} as const;

export type FamilyAlias = keyof typeof FAMILIES;

export function ingressModels(mock: MockServer): Record<string, unknown>[] {
  return Object.entries(FAMILIES).map(([name, f]) => ({
    name,
    provider: f.provider,
    model: f.model,
    ...(f.provider === 'bedrock' ? AWS : { apiKey: PROVIDER_KEY }),
    baseURL: mock.baseURL(f.dialect),
  }));
}

/** The chat messages (roles and text) the upstream got, whatever its dialect. */
export function upstreamText(body: unknown): string {
  return JSON.stringify(body);
}
