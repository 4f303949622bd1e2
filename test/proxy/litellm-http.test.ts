/**
 * A LiteLLM config.yaml served over HTTP, against the mock provider server: a request routed by
 * a wildcard, model_group_alias, tag filtering, a non-stream call on a deployment with a short
 * stream_timeout, a stream that misses it, a content-filter guardrail that blocks or masks, and
 * enforce_user_param.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { parseProxyConfig, silentLogger, startProxy, type ProxyServer } from '../../src/proxy/index.js';
import { raw } from './helpers.js';

const MASTER = 'sk-1234'; // LiteLLM's docs' master key: short keys are accepted (with a warning)

function configText(mock: MockServer): string {
  const openai = mock.baseURL('openai');
  return `
model_list:
  - model_name: "*"
    litellm_params:
      model: openai/*
      api_base: ${openai}
  - model_name: "anthropic/*"
    litellm_params:
      model: "anthropic/*"
      api_base: ${mock.url}
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_base: ${openai}
  - model_name: tagged
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${openai}, tags: ["free"] }
    model_info: { id: free-one }
  - model_name: tagged
    litellm_params: { model: openai/gpt-4o, api_base: ${openai}, tags: ["paid"] }
    model_info: { id: paid-one }
  - model_name: tagged
    litellm_params: { model: openai/gpt-4.1-mini, api_base: ${openai}, tags: ["default"] }
    model_info: { id: default-one }
  - model_name: local-llama
    litellm_params: { model: ollama_chat/llama3.1, api_base: ${mock.url}, api_key: ollama }
  - model_name: tgi
    litellm_params: { model: huggingface/tgi, api_base: ${mock.url}, api_key: hf_test }
  - model_name: quick-stream
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${openai}
      timeout: 5
      stream_timeout: 0.3
router_settings:
  num_retries: 0
  enable_tag_filtering: True
  model_group_alias: {"gpt-4-legacy": "gpt-4o"}
general_settings:
  master_key: ${MASTER}
  enforce_user_param: true
guardrails:
  - guardrail_name: content-filter-pre
    litellm_params:
      guardrail: litellm_content_filter
      mode: pre_call
      patterns:
        - { pattern_type: prebuilt, pattern_name: us_ssn, action: BLOCK }
        - { pattern_type: prebuilt, pattern_name: email, action: MASK }
      blocked_words:
        - { keyword: confidential, action: BLOCK }
`;
}

let mock: MockServer;
let proxy: ProxyServer;
const env = { OPENAI_API_KEY: 'sk-provider-openai-0001', ANTHROPIC_API_KEY: 'sk-ant-provider-0002' };

async function chat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return raw(`${proxy.url}/v1/chat/completions`, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}`, ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }], user: 'u-1', ...body }),
  });
}

beforeAll(async () => {
  mock = await startMockServer();
  const config = parseProxyConfig(configText(mock), 'config.yaml', { env });
  expect(config.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/master key has only 7 characters/)]));
  proxy = await startProxy({ config, port: 0, logger: silentLogger });
});

afterAll(async () => {
  await proxy?.close();
  await mock?.close();
});

describe('LiteLLM config over HTTP', () => {
  it('a wildcard routes any model to its provider with the requested name; explicit aliases win', async () => {
    mock.reset();
    const a = await chat({ model: 'gpt-4.1-nano' });
    expect(a.status).toBe(200);
    const b = await chat({ model: 'anthropic/claude-3-5-haiku-20241022' });
    expect(b.status).toBe(200);
    expect(mock.calls.map((c) => [c.dialect, c.model])).toEqual([
      ['openai', 'gpt-4.1-nano'],
      ['anthropic', 'claude-3-5-haiku-20241022'],
    ]);
    // each concrete model is its own deployment
    expect(a.headers.get('x-tracegate-deployment')).toBe('gpt-4.1-nano#0');
    expect(b.headers.get('x-tracegate-deployment')).toBe('anthropic/claude-3-5-haiku-20241022#0');
    const c = await chat({ model: 'gpt-4o' });
    expect(c.headers.get('x-tracegate-deployment')).toBe('gpt-4o#0');
  });

  it("Ollama's and TGI's own base URLs (no /v1) are called at /v1/chat/completions", async () => {
    mock.reset();
    expect((await chat({ model: 'local-llama' })).status).toBe(200);
    expect((await chat({ model: 'tgi' })).status).toBe(200);
    expect(mock.calls.map((c) => [c.path, c.model])).toEqual([
      ['/v1/chat/completions', 'llama3.1'],
      ['/v1/chat/completions', 'tgi'],
    ]);
  });

  it('/v1/models lists the aliases and what the wildcard routes reach', async () => {
    const res = await raw(`${proxy.url}/v1/models`, { method: 'GET', headers: { authorization: `Bearer ${MASTER}` } });
    const ids = (res.body.data as { id: string }[]).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'tagged', 'quick-stream', 'gpt-4-legacy', 'anthropic/claude-sonnet-4-5', 'gpt-4o-mini']));
    expect(ids.some((id) => id.includes('*'))).toBe(false);
  });

  it('model_group_alias serves the target group', async () => {
    mock.reset();
    const res = await chat({ model: 'gpt-4-legacy' });
    expect(res.status).toBe(200);
    expect(mock.calls.map((c) => c.model)).toEqual(['gpt-4o']);
  });

  it('tag filtering: body tags, the x-litellm-tags header, and untagged requests to the default deployment', async () => {
    expect((await chat({ model: 'tagged', tags: ['paid'] })).headers.get('x-tracegate-deployment')).toBe('paid-one');
    expect((await chat({ model: 'tagged' }, { 'x-litellm-tags': 'free' })).headers.get('x-tracegate-deployment')).toBe('free-one');
    expect((await chat({ model: 'tagged' })).headers.get('x-tracegate-deployment')).toBe('default-one');
  });

  it('stream_timeout applies to streams only: an 800 ms non-stream answer succeeds, a stream whose first token takes 800 ms times out', async () => {
    mock.reset();
    mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'latency', ms: 800 });
    const ok = await chat({ model: 'quick-stream' });
    expect(ok.status).toBe(200);
    mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'latency', ms: 800 });
    const slow = await chat({ model: 'quick-stream', stream: true });
    expect(slow.status).toBe(504);
    expect(slow.body.error.message).toMatch(/first_token|first token/);
  });

  it('a LiteLLM content-filter guardrail blocks before any upstream call, and masks', async () => {
    mock.reset();
    const ssn = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'my SSN is 123-45-6789' }] });
    expect(ssn.status).toBe(400);
    expect(ssn.body.error.code).toBe('guardrail_blocked');
    const word = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'this is Confidential' }] });
    expect(word.status).toBe(400);
    expect(mock.calls).toHaveLength(0);
    const masked = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'mail me at jane@example.com' }] });
    expect(masked.status).toBe(200);
    expect(mock.calls).toHaveLength(1);
  });

  it('enforce_user_param: a request without user is refused', async () => {
    const res = await raw(`${proxy.url}/v1/chat/completions`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}` },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/user/);
    const emb = (user?: string) =>
      raw(`${proxy.url}/v1/embeddings`, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}` },
        body: JSON.stringify({ model: 'text-embedding-3-small', input: 'hi', ...(user ? { user } : {}) }),
      });
    expect((await emb()).status).toBe(400);
    expect((await emb('u-1')).status).toBe(200);
  });
});
