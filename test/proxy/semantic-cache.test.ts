/**
 * The semantic cache through the proxy over HTTP, with `scope: key`: two client keys never see
 * each other's answers (plain and streamed), a key's paraphrase is a hit with
 * `x-tracegate-cache: hit-semantic`, and `cache-control: no-cache` / `x-tracegate-cache: off`
 * bypass it. The mock echoes the last user message, so an answer shows which request produced it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { parseProxyConfig, silentLogger, startProxy, type ProxyServer } from '../../src/proxy/index.js';
import { KEY_ALL, KEY_FAST, raw, startStack, type Stack } from './helpers.js';

const Q = 'How do I reset my password?';
const PARAPHRASE = 'how can I reset my password';

let s: Stack;
beforeAll(async () => {
  s = await startStack({
    keys: [
      { id: 'all', key: KEY_ALL },
      { id: 'fast', key: KEY_FAST },
    ],
    cache: { semantic: { embeddingModel: 'embed', scope: 'key', threshold: 0.75 } },
  });
  s.mock.setScenario({ defaults: { reply: { echo: true } } });
});
afterAll(() => s.close());

const settle = () => new Promise((r) => setTimeout(r, 30));

async function post(key: string, content: string, opts: { stream?: boolean; headers?: Record<string, string> } = {}) {
  const res = await raw(`${s.proxy.url}/v1/chat/completions`, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...opts.headers },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content }], ...(opts.stream ? { stream: true } : {}) }),
  });
  let text: string;
  if (opts.stream) {
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    text = res.text
      .split('\n')
      .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
      .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? '')
      .join('');
  } else text = res.body.choices[0].message.content;
  return { status: res.status, text, cache: res.headers.get('x-tracegate-cache') };
}

describe('semantic cache over HTTP, scope key', () => {
  it('plain: a key\'s paraphrase hits its own answer; the other key never gets it', async () => {
    expect(await post(KEY_ALL, Q)).toMatchObject({ status: 200, text: Q, cache: null });
    await settle();
    expect(await post(KEY_ALL, PARAPHRASE)).toMatchObject({ status: 200, text: Q, cache: 'hit-semantic' });
    // The same question and its paraphrase from the other key: answered by the provider, each time.
    expect(await post(KEY_FAST, PARAPHRASE)).toMatchObject({ status: 200, text: PARAPHRASE, cache: null });
    await settle();
    expect(await post(KEY_FAST, Q)).toMatchObject({ status: 200, text: PARAPHRASE, cache: 'hit-semantic' });
    expect(await post(KEY_ALL, Q)).toMatchObject({ text: Q, cache: 'hit-semantic' });
  });

  it('streamed: replayed as SSE with the header, still per key', async () => {
    const A = 'Which plan includes priority support?';
    const A2 = 'which plan includes the priority support';
    expect(await post(KEY_ALL, A, { stream: true })).toMatchObject({ status: 200, text: A, cache: null });
    await settle();
    expect(await post(KEY_ALL, A2, { stream: true })).toMatchObject({ status: 200, text: A, cache: 'hit-semantic' });
    expect(await post(KEY_FAST, A2, { stream: true })).toMatchObject({ status: 200, text: A2, cache: null });
  });

  it('cache-control: no-cache and x-tracegate-cache: off bypass the cache', async () => {
    const before = s.mock.count({ operation: 'chat' });
    expect(await post(KEY_ALL, PARAPHRASE, { headers: { 'cache-control': 'no-cache' } })).toMatchObject({ text: PARAPHRASE, cache: null });
    expect(await post(KEY_ALL, PARAPHRASE, { headers: { 'x-tracegate-cache': 'off' } })).toMatchObject({ text: PARAPHRASE, cache: null });
    expect(await post(KEY_ALL, PARAPHRASE, { stream: true, headers: { 'cache-control': 'max-age=0, no-cache' } })).toMatchObject({ text: PARAPHRASE, cache: null });
    expect(s.mock.count({ operation: 'chat' })).toBe(before + 3);
  });
});

describe('LiteLLM cache_params: redis-semantic', () => {
  let mock: MockServer;
  let proxy: ProxyServer;
  beforeAll(async () => {
    mock = await startMockServer({ scenario: { defaults: { reply: { echo: true } } } });
    const text = `
model_list:
  - model_name: chat
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${mock.baseURL('openai')}, api_key: sk-provider-0001 }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_base: ${mock.baseURL('openai')}, api_key: sk-provider-0001 }
litellm_settings:
  cache: true
  cache_params:
    type: redis-semantic
    similarity_threshold: 0.75
    ttl: 600
    redis_semantic_cache_embedding_model: embedder
    redis_semantic_cache_index_name: idx
general_settings:
  master_key: sk-master-000000001
`;
    const config = parseProxyConfig(text, 'config.yaml', { env: {} });
    expect(config.router.cache).toMatchObject({ enabled: true, ttlMs: 600_000, semantic: { embeddingModel: 'embedder', threshold: 0.75, ttlMs: 600_000 } });
    expect(config.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/cache_params\.type: redis-semantic: mapped to cache\.semantic with scope "key"/), expect.stringMatching(/redis_semantic_cache_index_name: ignored/)]),
    );
    proxy = await startProxy({ config, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await proxy?.close();
    await mock?.close();
  });

  it('maps to cache.semantic: a paraphrase is a semantic hit', async () => {
    const send = (content: string) =>
      raw(`${proxy.url}/v1/chat/completions`, {
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-master-000000001' },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content }] }),
      });
    expect((await send(Q)).headers.get('x-tracegate-cache')).toBeNull();
    await settle();
    const hit = await send(PARAPHRASE);
    expect(hit.body.choices[0].message.content).toBe(Q);
    expect(hit.headers.get('x-tracegate-cache')).toBe('hit-semantic');
  });

  it('a semantic type without its embeddings model is a config error', () => {
    const text = 'model_list:\n  - model_name: chat\n    litellm_params: { model: openai/gpt-4o-mini, api_key: k }\nlitellm_settings:\n  cache_params: { type: qdrant-semantic }\n';
    expect(() => parseProxyConfig(text, 'config.yaml', { env: {} })).toThrow(/embeddings model/);
  });
});
