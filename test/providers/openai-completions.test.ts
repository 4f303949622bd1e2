/**
 * LiteLLM's `text-completion-openai/` (provider `openai-completions`): a chat call goes to
 * `/v1/completions` as one prompt, and the choices' `text` comes back as the assistant message,
 * streamed or not. The server is a small loopback HTTP server speaking the documented
 * Completions format (the mock has no Completions dialect).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../src/index.js';

let server: Server;
let base = '';
const seen: { path: string; body: Record<string, unknown>; auth: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ path: req.url ?? '', body, auth: req.headers.authorization });
      const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const text of ['Hel', 'lo']) {
          res.write(`data: ${JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 1, model: body.model, choices: [{ index: 0, text, logprobs: null, finish_reason: null }] })}\n\n`);
        }
        res.write(`data: ${JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 1, model: body.model, choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'stop' }], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'cmpl-1', object: 'text_completion', created: 1, model: body.model, choices: [{ index: 0, text: 'Hello', logprobs: null, finish_reason: 'stop' }], usage }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function router(): Router {
  return new Router({ models: [{ name: 'instruct', provider: 'openai-completions', model: 'gpt-3.5-turbo-instruct', apiKey: 'sk-test-0001', baseURL: base }], retry: { maxAttempts: 1 } });
}

describe('openai-completions (text-completion-openai/)', () => {
  it('sends the messages as one prompt to /v1/completions and answers as a chat completion', async () => {
    seen.length = 0;
    const out = await router().chat.completions.create({ model: 'instruct', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }], max_completion_tokens: 5 });
    expect(seen[0]!.path).toBe('/v1/completions');
    expect(seen[0]!.body).toMatchObject({ model: 'gpt-3.5-turbo-instruct', prompt: 'Be brief.\nSay hello', max_tokens: 5 });
    expect(seen[0]!.body.messages).toBeUndefined();
    expect(seen[0]!.auth).toBe('Bearer sk-test-0001');
    expect(out.object).toBe('chat.completion');
    expect(out.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'Hello' });
    expect(out.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2 });
  });

  it('streams the text pieces as chat chunks', async () => {
    const stream = await router().chat.completions.create({ model: 'instruct', messages: [{ role: 'user', content: 'Say hello' }], stream: true });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe('Hello');
    expect(finish).toBe('stop');
  });

  it('tools are refused before any call (the Completions API has none)', async () => {
    seen.length = 0;
    await expect(
      router().chat.completions.create({ model: 'instruct', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }),
    ).rejects.toMatchObject({ status: 400 });
    expect(seen).toHaveLength(0);
  });
});
