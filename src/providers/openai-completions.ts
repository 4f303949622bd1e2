/**
 * OpenAI's legacy Completions API (`POST /v1/completions`, e.g. `gpt-3.5-turbo-instruct`),
 * LiteLLM's `text-completion-openai/`: a chat call is sent as one `prompt` (the messages' text,
 * one per line) and the `text` of each choice comes back as the assistant message. Tools and
 * response formats are not available on this API (400 before any call).
 */
import { BadRequestError } from '../errors.js';
import { contentText } from './request-parts.js';
import { messages, type Body } from './message-fields.js';
import { createOpenAIStyleAdapter } from './openai-style.js';
import { OpenAIStreamDecoder, decodeChatCompletion } from './openai-wire.js';
import type { AdapterContext, ChatStreamDecoder, ProviderAdapter, StreamEvent } from './types.js';

const CHAT_ONLY = ['tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'functions', 'function_call'];

function toPrompt(body: Body): void {
  for (const k of CHAT_ONLY) {
    if (body[k] != null) throw new BadRequestError(`"${k}" is not available on the Completions API (text-completion models)`, { param: k, code: 'unsupported_parameter' });
  }
  body.prompt = messages(body)
    .map((m) => contentText(m.content as Parameters<typeof contentText>[0]))
    .filter((t) => t)
    .join('\n');
  delete body.messages;
  if (body.max_completion_tokens != null && body.max_tokens == null) body.max_tokens = body.max_completion_tokens;
  delete body.max_completion_tokens;
}

type Json = Record<string, unknown>;

/** A Completions choice (`text`) as a chat choice (`message` or, in a stream, `delta`). */
function asChat(body: unknown, stream: boolean): unknown {
  if (!body || typeof body !== 'object' || !Array.isArray((body as Json).choices)) return body;
  const b = body as Json;
  const choices = (b.choices as Json[]).map((c) => {
    const { text, logprobs: _l, ...rest } = c;
    const content = typeof text === 'string' ? text : '';
    return stream ? { ...rest, delta: { content } } : { ...rest, message: { role: 'assistant', content } };
  });
  return { ...b, object: stream ? 'chat.completion.chunk' : 'chat.completion', choices };
}

class CompletionStreamDecoder implements ChatStreamDecoder {
  private readonly inner: OpenAIStreamDecoder;
  constructor(ctx: AdapterContext) {
    this.inner = new OpenAIStreamDecoder(ctx);
  }
  get done(): boolean {
    return this.inner.done;
  }
  push(event: StreamEvent) {
    let data = event.data;
    if (data.trim() !== '[DONE]') {
      try {
        data = JSON.stringify(asChat(JSON.parse(data), true));
      } catch {
        // not JSON: the inner decoder reports it
      }
    }
    return this.inner.push({ ...event, data });
  }
  end() {
    return this.inner.end();
  }
}

const base = createOpenAIStyleAdapter({
  id: 'openai-completions',
  genAiProviderName: 'openai',
  defaultBaseURL: 'https://api.openai.com/v1',
  chatPath: '/completions',
  prepareBody: toPrompt,
  unsupportedParams: (params) => CHAT_ONLY.filter((k) => params[k] != null),
  env: { apiKey: ['OPENAI_API_KEY'], baseURL: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'] },
});

export const openaiCompletionsAdapter: ProviderAdapter = {
  ...base,
  chatResponse: (body, ctx) => decodeChatCompletion(asChat(body, false), ctx),
  chatStream: (ctx) => new CompletionStreamDecoder(ctx),
};
