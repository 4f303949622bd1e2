/**
 * `router.responses` in code (no proxy): create (plain and streamed), conversation state per
 * identity key with retrieve/delete, a stream failing after its start ending in
 * `response.failed`, a reasoning round trip through `encrypted_content`, and call info.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getCallInfo, Router } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { ResponseStream } from '../../src/router/ingress/responses-call.js';
import { PROVIDER_KEY } from '../proxy/helpers.js';

let mock: MockServer;
let router: Router;

beforeAll(async () => {
  mock = await startMockServer();
  router = new Router({
    models: [
      { name: 'a', provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: PROVIDER_KEY, baseURL: mock.baseURL('anthropic') },
      { name: 'o', provider: 'openai', model: 'gpt-4o-mini', apiKey: PROVIDER_KEY, baseURL: mock.baseURL('openai') },
    ],
    retry: { maxAttempts: 1 },
  });
});
beforeEach(() => mock.reset());
afterAll(async () => {
  await router.close();
  await mock.close();
});

describe('router.responses', () => {
  it('create: a Response with call info attached (not serialized)', async () => {
    const res = await router.responses.create({ model: 'a', input: 'hi' });
    expect(res).not.toBeInstanceOf(ResponseStream);
    if (res instanceof ResponseStream) return;
    expect(res.status).toBe('completed');
    expect(res.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'Mock reply from claude-sonnet-4-5.' }] });
    expect(getCallInfo(res)?.deployment?.id).toBe('a#0');
    expect(JSON.stringify(res)).not.toContain('tracegate');
  });

  it('stored per identity key: another key cannot continue, retrieve or delete it', async () => {
    const mine = { identity: { key: 'k1' } };
    const first = await router.responses.create({ model: 'o', input: 'remember PLUM' }, mine);
    if (first instanceof ResponseStream) throw new Error('stream');
    await expect(router.responses.create({ model: 'o', input: 'x', previous_response_id: first.id }, { identity: { key: 'k2' } })).rejects.toMatchObject({ status: 404 });
    await expect(router.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
    await expect(router.responses.delete(first.id, { identity: { key: 'k2' } })).rejects.toMatchObject({ status: 404 });
    expect((await router.responses.retrieve(first.id, mine)).id).toBe(first.id);
    const next = await router.responses.create({ model: 'o', input: 'which word?', previous_response_id: first.id }, mine);
    expect(next).toMatchObject({ previous_response_id: first.id });
    expect(JSON.stringify(mock.calls.at(-1)?.body)).toContain('remember PLUM');
    expect(await router.responses.delete(first.id, mine)).toEqual({ id: first.id, object: 'response', deleted: true });
  });

  it('store: false keeps nothing; the TTL expires stored responses', async () => {
    const off = await router.responses.create({ model: 'o', input: 'hi', store: false });
    if (off instanceof ResponseStream) throw new Error('stream');
    await expect(router.responses.retrieve(off.id)).rejects.toMatchObject({ status: 404 });
    const short = await router.responses.create({ model: 'o', input: 'hi' }, { storeTtlMs: 1 });
    if (short instanceof ResponseStream) throw new Error('stream');
    await new Promise((r) => setTimeout(r, 20));
    await expect(router.responses.retrieve(short.id)).rejects.toMatchObject({ status: 404 });
  });

  it('a stream failing after its start ends with response.failed, not an exception', async () => {
    mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'stream_error', afterChunks: 2 });
    const stream = await router.responses.create({ model: 'o', input: 'hi', stream: true });
    if (!(stream instanceof ResponseStream)) throw new Error('not a stream');
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.failed');
    expect(stream.response?.status).toBe('failed');
    expect(stream.response?.error).toMatchObject({ message: expect.any(String) });
  });

  it('thinking blocks round-trip through reasoning encrypted_content (store: false)', async () => {
    mock.enqueue({ model: 'claude-sonnet-4-5' }, { kind: 'ok', reply: { reasoning: 'Think first.', toolCalls: [{ name: 'f', arguments: {} }] } });
    const tools = [{ type: 'function', name: 'f', parameters: { type: 'object', properties: {} } }];
    const first = await router.responses.create({ model: 'a', input: 'go', tools, store: false, include: ['reasoning.encrypted_content'], reasoning: { effort: 'low' }, max_output_tokens: 4096 });
    if (first instanceof ResponseStream) throw new Error('stream');
    const reasoning = first.output.find((o) => o.type === 'reasoning') as Record<string, any>;
    expect(reasoning.summary[0].text).toBe('Think first.');
    expect(reasoning.encrypted_content).toMatch(/^tg1\./);
    const call = first.output.find((o) => o.type === 'function_call') as Record<string, any>;
    await router.responses.create({
      model: 'a',
      input: [{ role: 'user', content: 'go' }, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: 'ok' }],
      tools,
      store: false,
      reasoning: { effort: 'low' },
      max_output_tokens: 4096,
    });
    const sent = mock.calls.at(-1)?.body as { messages: { role: string; content: { type: string; signature?: string }[] }[] };
    const assistant = sent.messages.find((m) => m.role === 'assistant')!;
    expect(assistant.content[0]).toMatchObject({ type: 'thinking', thinking: 'Think first.' });
    expect(assistant.content[0]!.signature).toBeTruthy();
  });
});
