/** Raw-HTTP checks of each dialect's answer shapes: plain and streaming, as documented by the providers. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { decodeEventStream } from '../helpers/eventstream.js';
import { AUTH, chat, post } from '../helpers/mock-client.js';
import { parseSse, sseJson } from '../helpers/sse.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer();
});
beforeEach(() => mock.reset());
afterAll(() => mock.close());

const reply = (value: unknown) => ({ 'x-mock-reply': JSON.stringify(value) });
const TOOL_REPLY = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } }] };

describe('openai', () => {
  it('plain chat.completion with deterministic text and usage', async () => {
    const res = await chat(mock, 'openai', 'gpt-4o', { text: 'abcdefgh' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Mock reply from gpt-4o.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2, completion_tokens: 6, total_tokens: 8, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  it('a stream without include_usage has no usage field, ends with [DONE]', async () => {
    const res = await post(mock, '/v1/chat/completions', { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }, AUTH.openai);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    expect(events[events.length - 1]?.data).toBe('[DONE]');
    const chunks = sseJson(events.map((e) => `data: ${e.data}`).join('\n\n'));
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks[0]).toMatchObject({ object: 'chat.completion.chunk', choices: [{ delta: { role: 'assistant', content: '' } }] });
    expect(chunks.map((chunk) => (chunk.choices as { delta: { content?: string } }[])[0]?.delta.content ?? '').join('')).toBe('Mock reply from gpt-4o.');
  });

  it('streams tool calls: id/type/name with empty arguments first, then argument pieces', async () => {
    const res = await chat(mock, 'openai', 'gpt-4o', { stream: true, headers: reply(TOOL_REPLY) });
    const chunks = sseJson(await res.text());
    const deltas = chunks.flatMap((chunk) => (chunk.choices as { delta: { tool_calls?: Record<string, unknown>[] } }[]).flatMap((c) => c.delta.tool_calls ?? []));
    expect(deltas[0]).toEqual({ index: 0, id: 'call_mock1_0', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.slice(1).every((d) => d.id === undefined && (d.function as { name?: string }).name === undefined)).toBe(true);
    const args = deltas.map((d) => (d.function as { arguments: string }).arguments).join('');
    expect(JSON.parse(args)).toEqual({ city: 'Paris', unit: 'celsius' });
    const finish = chunks.map((chunk) => (chunk.choices as { finish_reason: string | null }[])[0]?.finish_reason).filter(Boolean);
    expect(finish).toEqual(['tool_calls']);
  });

  it('maps reply options: reasoning_content, cached and reasoning tokens, length, string arguments as-is', async () => {
    const res = await chat(mock, 'openai', 'o3', {
      headers: reply({ text: 'partial', reasoning: 'thinking', toolCalls: [{ name: 'f', arguments: '{"broken":' }], finishReason: 'length', usage: { cached_tokens: 5, reasoning_tokens: 9 } }),
    });
    const body = await res.json();
    expect(body.choices[0].message).toMatchObject({ content: 'partial', reasoning_content: 'thinking', tool_calls: [{ function: { name: 'f', arguments: '{"broken":' } }] });
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage.prompt_tokens_details.cached_tokens).toBe(5);
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(9);
  });

  it('echo replies with the last user message; stream.chunks sets the number of content pieces', async () => {
    const echo = await (await chat(mock, 'openai', 'gpt-4o', { text: 'repeat after me', headers: reply({ echo: true }) })).json();
    expect(echo.choices[0].message.content).toBe('repeat after me');
    const res = await chat(mock, 'openai', 'gpt-4o', { stream: true, headers: { 'x-mock-fault': '{"kind":"ok","stream":{"chunks":3}}' } });
    const contents = sseJson(await res.text())
      .map((chunk) => (chunk.choices as { delta: { content?: string } }[])[0]?.delta.content)
      .filter((c) => c);
    expect(contents).toHaveLength(3);
    expect(contents.join('')).toBe('Mock reply from gpt-4o.');
  });

  it('embeddings are deterministic, unit length, honour dimensions and base64', async () => {
    const body = { model: 'text-embedding-3-small', input: ['same text', 'other text'], dimensions: 5 };
    const a = await (await post(mock, '/v1/embeddings', body, AUTH.openai)).json();
    const b = await (await post(mock, '/v1/embeddings', body, AUTH.openai)).json();
    expect(a.data[0].embedding).toHaveLength(5);
    expect(a.data[0].embedding).toEqual(b.data[0].embedding);
    expect(a.data[0].embedding).not.toEqual(a.data[1].embedding);
    expect(Math.hypot(...a.data[0].embedding)).toBeCloseTo(1, 5);
    const b64 = await (await post(mock, '/v1/embeddings', { ...body, encoding_format: 'base64' }, AUTH.openai)).json();
    const bytes = Buffer.from(b64.data[0].embedding, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(a.data[0].embedding);
    const full = await (await post(mock, '/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' }, AUTH.openai)).json();
    expect(full.data[0].embedding).toHaveLength(1536);
    expect(full.usage).toEqual({ prompt_tokens: 1, total_tokens: 1 });
  });

  it('requires a Bearer key (401), a model and messages (400); /v1 is optional', async () => {
    const noKey = await chat(mock, 'openai', 'gpt-4o', { auth: false });
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    const noModel = await post(mock, '/v1/chat/completions', { messages: [] }, AUTH.openai);
    expect(noModel.status).toBe(400);
    expect((await noModel.json()).error).toMatchObject({ param: 'model', type: 'invalid_request_error' });
    const noMessages = await post(mock, '/v1/chat/completions', { model: 'x' }, AUTH.openai);
    expect((await noMessages.json()).error.param).toBe('messages');
    const bare = await post(mock, '/chat/completions', { model: 'x', messages: [] }, AUTH.openai);
    expect(bare.status).toBe(200);
    const single = await (await fetch(`${mock.url}/v1/models/gpt-4o`, { headers: AUTH.openai })).json();
    expect(single).toMatchObject({ id: 'gpt-4o', object: 'model' });
  });
});

describe('azure', () => {
  it('needs api-version on deployment paths and a key; reports the deployment as model', async () => {
    const missingVersion = await post(mock, '/openai/deployments/dep1/chat/completions', { messages: [] }, AUTH.azure);
    expect(missingVersion.status).toBe(400);
    expect(JSON.stringify(await missingVersion.json())).toContain('api-version');
    const noKey = await chat(mock, 'azure', 'dep1', { auth: false });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { code: '401' } });
    const bearer = await chat(mock, 'azure', 'dep1', { auth: false, headers: { authorization: 'Bearer entra-token' } });
    expect((await bearer.json()).model).toBe('dep1');
  });

  it('the v1 path takes the model from the body; streams start with prompt_filter_results', async () => {
    const v1 = await post(mock, '/openai/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }, AUTH.azure);
    expect((await v1.json()).model).toBe('gpt-4o-mini');
    expect(mock.calls[0]).toMatchObject({ dialect: 'azure', model: 'gpt-4o-mini' });
    const chunks = sseJson(await (await chat(mock, 'azure', 'dep1', { stream: true })).text());
    expect(chunks[0]).toMatchObject({ choices: [], id: '', prompt_filter_results: [{ prompt_index: 0 }] });
    expect(chunks[1]?.choices).toMatchObject([{ content_filter_results: { hate: { filtered: false } } }]);
  });

  it('content_policy in finish mode: finish_reason content_filter with filtered results', async () => {
    const body = await (await chat(mock, 'azure', 'dep1', { headers: { 'x-mock-fault': 'content_policy:mode=finish' } })).json();
    expect(body.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null }, content_filter_results: { violence: { filtered: true } } });
  });
});

describe('anthropic', () => {
  it('streams named events whose names equal the payload type, with ping and final usage', async () => {
    const res = await chat(mock, 'anthropic', 'claude-x', { stream: true, headers: reply({ reasoning: 'hmm ok', text: 'Hi there', toolCalls: [{ name: 't', arguments: { a: 1 } }] }) });
    const events = parseSse(await res.text());
    for (const event of events) expect(JSON.parse(event.data).type).toBe(event.event);
    const names = events.map((event) => event.event);
    expect(names[0]).toBe('message_start');
    expect(names).toContain('ping');
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta);
    expect(deltas.map((d) => d.type)).toEqual(['thinking_delta', 'thinking_delta', 'signature_delta', 'text_delta', 'text_delta', 'input_json_delta']);
    const starts = events.filter((e) => e.event === 'content_block_start').map((e) => JSON.parse(e.data));
    expect(starts.map((s) => [s.index, s.content_block.type])).toEqual([
      [0, 'thinking'],
      [1, 'text'],
      [2, 'tool_use'],
    ]);
    expect(JSON.parse(events.find((e) => e.event === 'message_delta')!.data)).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: expect.any(Number) } });
  });

  it('accepts x-api-key; rejects a missing key (401) and a missing max_tokens (400)', async () => {
    const ok = await chat(mock, 'anthropic', 'claude-x');
    expect(ok.status).toBe(200);
    expect(mock.calls[0]?.headersPresent['x-api-key']).toBe(true);
    const noKey = await chat(mock, 'anthropic', 'claude-x', { auth: false, headers: { 'anthropic-version': '2023-06-01' } });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const noMax = await post(mock, '/v1/messages', { model: 'c', messages: [] }, AUTH.anthropic);
    expect(noMax.status).toBe(400);
    expect((await noMax.json()).error.message).toBe('max_tokens: Field required');
  });

  it('content_policy (default finish mode) is a refusal with no content', async () => {
    const body = await (await chat(mock, 'anthropic', 'claude-x', { headers: { 'x-mock-fault': 'content_policy' } })).json();
    expect(body).toMatchObject({ stop_reason: 'refusal', content: [] });
  });
});

describe('gemini', () => {
  it('streams CRLF-delimited data events without [DONE]; the last has finishReason and usage', async () => {
    const res = await chat(mock, 'gemini', 'gemini-2.5-flash', { stream: true });
    const text = await res.text();
    expect(text).toContain('\r\n\r\n');
    expect(text).not.toContain('[DONE]');
    const chunks = sseJson(text);
    expect(chunks[chunks.length - 1]).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { totalTokenCount: expect.any(Number) } });
    expect(chunks.slice(0, -1).every((chunk) => !('usageMetadata' in chunk))).toBe(true);
  });

  it('accepts ?key= and records it as a URL key (redacted); a missing key is 403 PERMISSION_DENIED', async () => {
    const viaQuery = await post(mock, '/v1beta/models/gemini-2.5-flash:generateContent?key=secret-key', { contents: [{ parts: [{ text: 'x' }] }] });
    expect(viaQuery.status).toBe(200);
    expect(mock.calls[0]?.headersPresent).toMatchObject({ queryKey: true, auth: true, 'x-goog-api-key': false });
    expect(mock.calls[0]?.query.key).toBe('[redacted]');
    expect(JSON.stringify(mock.calls[0])).not.toContain('secret-key');
    const noKey = await chat(mock, 'gemini', 'gemini-2.5-flash', { auth: false });
    expect(noKey.status).toBe(403);
    expect((await noKey.json()).error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
  });

  it('embedContent answers one embedding (768 by default); finish and safety mapping', async () => {
    const single = await (await post(mock, '/v1beta/models/text-embedding-004:embedContent', { content: { parts: [{ text: 'hi' }] } }, AUTH.gemini)).json();
    expect(single.embedding.values).toHaveLength(768);
    const length = await (await chat(mock, 'gemini', 'g', { headers: reply({ finishReason: 'length' }) })).json();
    expect(length.candidates[0].finishReason).toBe('MAX_TOKENS');
    const safety = await (await chat(mock, 'gemini', 'g', { headers: { 'x-mock-fault': 'content_policy' } })).json();
    expect(safety.candidates[0]).toMatchObject({ finishReason: 'SAFETY', safetyRatings: expect.any(Array) });
    const blocked = await (await chat(mock, 'gemini', 'g', { headers: { 'x-mock-fault': 'content_policy:mode=prompt' } })).json();
    expect(blocked.promptFeedback.blockReason).toBe('SAFETY');
    expect(blocked.candidates).toBeUndefined();
  });

  it('streamGenerateContent without alt=sse is refused clearly', async () => {
    const res = await post(mock, '/v1beta/models/g:streamGenerateContent', { contents: [] }, AUTH.gemini);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('alt=sse');
  });
});

describe('bedrock', () => {
  it('converse-stream is AWS event-stream framing with valid CRCs and the documented headers', async () => {
    const res = await chat(mock, 'bedrock', 'anthropic.claude-3-haiku-20240307-v1:0', { stream: true, headers: reply({ text: 'Hi', toolCalls: [{ name: 'f', arguments: { x: 1 } }] }) });
    expect(res.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const messages = decodeEventStream(Buffer.from(await res.arrayBuffer()));
    for (const message of messages) expect(message.headers).toMatchObject({ ':message-type': 'event', ':content-type': 'application/json' });
    const types = messages.map((m) => m.headers[':event-type']);
    expect(types).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockStop', 'contentBlockStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
    const payloads = messages.map((m) => JSON.parse(m.payload.toString('utf8')));
    expect(payloads[3]).toEqual({ contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_mock1_0', name: 'f' } } });
    expect(payloads[6]).toEqual({ stopReason: 'tool_use' });
    expect(mock.calls[0]?.model).toBe('anthropic.claude-3-haiku-20240307-v1:0');
  });

  it('requires SigV4-shaped auth with x-amz-date; errors carry x-amzn-errortype', async () => {
    const none = await chat(mock, 'bedrock', 'm', { auth: false });
    expect(none.status).toBe(403);
    expect(none.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.bedrock/');
    const noDate = await chat(mock, 'bedrock', 'm', { auth: false, headers: { authorization: AUTH.bedrock.authorization! } });
    expect(noDate.status).toBe(403);
    expect(noDate.headers.get('x-amzn-errortype')).toMatch(/^IncompleteSignatureException:/);
    expect(await noDate.json()).toEqual({ message: expect.stringContaining('X-Amz-Date') });
  });

  it('content_policy maps to content_filtered, or guardrail_intervened in prompt mode; Cohere embeddings', async () => {
    const filtered = await (await chat(mock, 'bedrock', 'm', { headers: { 'x-mock-fault': 'content_policy' } })).json();
    expect(filtered.stopReason).toBe('content_filtered');
    const guarded = await (await chat(mock, 'bedrock', 'm', { headers: { 'x-mock-fault': 'content_policy:mode=prompt' } })).json();
    expect(guarded.stopReason).toBe('guardrail_intervened');
    const cohere = await (await post(mock, '/model/cohere.embed-english-v3/invoke', { texts: ['a', 'b'], input_type: 'search_document' }, AUTH.bedrock)).json();
    expect(cohere.embeddings).toHaveLength(2);
    expect(cohere.embeddings[0]).toHaveLength(1024);
  });
});
