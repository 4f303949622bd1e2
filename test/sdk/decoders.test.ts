/**
 * The SDK instrumentations decode with the adapters' decoder modules, not the adapters (so
 * `tracegate/register` loads no adapter): the same recorded answers, streams and errors decode
 * exactly as the built-in adapters decode them, and the built-ins' `gen_ai.provider.name`
 * table equals the adapters' own values.
 */
import { describe, expect, it } from 'vitest';
import { SDK_DECODERS } from '../../instrumentations/sdk/adapters.js';
import { BUILTIN_GEN_AI_NAMES } from '../../src/providers/builtin-names.js';
import { getProvider, listProviders } from '../../src/providers/registry.js';
import type { ProviderAdapter, UpstreamError } from '../../src/providers/types.js';
import { context, decodeWire, deployment, fixtureJson, fixtureLines, wireBytes } from '../providers/helpers.js';

/** Drops the fields an adapter makes up per call (ids, timestamps). */
function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'id' || k === 'created' ? undefined : v)));
}

const ANSWERS = [
  { provider: 'anthropic', model: 'claude-sonnet-4-5', family: 'anthropic', file: 'anthropic-refusal.json' },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', family: 'anthropic', file: 'anthropic-json-tool.1.json' },
  { provider: 'gemini', model: 'gemini-2.5-flash', family: 'google', file: 'google-reasoning.json' },
  { provider: 'bedrock', model: 'anthropic.claude-3-haiku', family: 'bedrock', file: 'amazon-bedrock-text.json' },
  { provider: 'bedrock', model: 'anthropic.claude-3-haiku', family: 'bedrock', file: 'amazon-bedrock-tool-call.1.json' },
];

const STREAMS = [
  { provider: 'anthropic', wire: 'anthropic', model: 'claude-sonnet-4-5', family: 'anthropic', file: 'anthropic-text.chunks.txt' },
  { provider: 'gemini', wire: 'gemini', model: 'gemini-2.5-flash', family: 'google', file: 'google-text.chunks.txt' },
  { provider: 'bedrock', wire: 'bedrock', model: 'anthropic.claude-3-haiku', family: 'bedrock', file: 'amazon-bedrock-text.chunks.txt' },
] as const;

describe('SDK decoders decode as the adapters do', () => {
  for (const a of ANSWERS) {
    it(`${a.provider}: ${a.file}`, () => {
      const body = fixtureJson(a.family, a.file);
      const ctx = () => context(deployment(a.provider, a.model), false);
      const viaSdk = SDK_DECODERS[a.provider]!.chatResponse!(body, ctx());
      const viaAdapter = getProvider(a.provider).chatResponse(body, ctx());
      expect(viaSdk.choices.length).toBeGreaterThan(0);
      expect(stable(viaSdk)).toEqual(stable(viaAdapter));
    });
  }

  for (const s of STREAMS) {
    it(`${s.provider} stream: ${s.file}`, () => {
      const bytes = wireBytes(s.wire, fixtureLines(s.family, s.file));
      const adapter = getProvider(s.provider);
      const sdk = { ...adapter, ...SDK_DECODERS[s.provider] } as ProviderAdapter;
      const viaSdk = decodeWire(sdk, context(deployment(s.provider, s.model), true), [bytes]);
      const viaAdapter = decodeWire(adapter, context(deployment(s.provider, s.model), true), [bytes]);
      expect(viaSdk.length).toBeGreaterThan(1);
      expect(stable(viaSdk)).toEqual(stable(viaAdapter));
    });
  }

  for (const provider of Object.keys(SDK_DECODERS)) {
    it(`${provider}: errors classify to the same class`, () => {
      for (const [status, body] of [
        [429, { error: { type: 'rate_limit_error', message: 'slow down' } }],
        [400, { error: { type: 'invalid_request_error', message: 'bad' } }],
        [503, { error: { message: 'overloaded' } }],
      ] as const) {
        const e: UpstreamError = { status, headers: { 'retry-after': '2' }, body, text: JSON.stringify(body) };
        const ctx = () => context(deployment(provider, 'm'), false);
        const viaSdk = SDK_DECODERS[provider]!.classifyError(e, ctx());
        const viaAdapter = getProvider(provider).classifyError(e, ctx());
        expect([viaSdk.constructor.name, viaSdk.status, viaSdk.message]).toEqual([viaAdapter.constructor.name, viaAdapter.status, viaAdapter.message]);
      }
    });
  }

  it('the built-ins’ gen_ai.provider.name table is the adapters’ own', () => {
    const fromAdapters = Object.fromEntries(listProviders().map((id) => [id, getProvider(id).genAiProviderName]));
    expect(BUILTIN_GEN_AI_NAMES).toEqual(fromAdapters);
  });
});
