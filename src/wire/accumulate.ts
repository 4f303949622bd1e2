/**
 * Rebuilds a `ChatCompletion` from a sequence of `ChatCompletionChunk`s: concatenates content,
 * refusal and reasoning deltas, reassembles tool calls by index (id and name arrive once, the
 * arguments in pieces), keeps the last finish_reason per choice and the usage chunk.
 */
import type { ChatCompletion, ChatCompletionChunk, FinishReason, Usage } from './chat-response.js';

interface ToolCallAcc {
  id: string;
  name: string;
  args: string;
  /** Extra fields of the tool call (e.g. Gemini's `extra_content`), kept from the deltas. */
  extra?: Record<string, unknown>;
}

const TOOL_CALL_KEYS = new Set(['index', 'id', 'type', 'function']);

interface ChoiceAcc {
  content: string | null;
  refusal: string | null;
  reasoning: string | null;
  toolCalls: Map<number, ToolCallAcc>;
  /** Provider reasoning blocks with signatures (`thinking_blocks` deltas), for round trips. */
  thinkingBlocks: unknown[];
  finish: FinishReason | null;
}

export class ChunkAccumulator {
  private id = '';
  private model = '';
  private created = 0;
  private systemFingerprint: string | null | undefined;
  private usage: Usage | null = null;
  private readonly choices = new Map<number, ChoiceAcc>();
  /** Number of chunks seen. */
  count = 0;

  add(chunk: ChatCompletionChunk): void {
    this.count++;
    if (!this.id && chunk.id) this.id = chunk.id;
    if (chunk.model) this.model = chunk.model;
    if (!this.created && chunk.created) this.created = chunk.created;
    if (chunk.system_fingerprint) this.systemFingerprint = chunk.system_fingerprint;
    if (chunk.usage) this.usage = chunk.usage;
    for (const c of chunk.choices) {
      let acc = this.choices.get(c.index);
      if (!acc) {
        acc = { content: null, refusal: null, reasoning: null, toolCalls: new Map(), thinkingBlocks: [], finish: null };
        this.choices.set(c.index, acc);
      }
      const d = c.delta;
      if (typeof d.content === 'string') acc.content = (acc.content ?? '') + d.content;
      if (typeof d.refusal === 'string') acc.refusal = (acc.refusal ?? '') + d.refusal;
      if (typeof d.reasoning_content === 'string') acc.reasoning = (acc.reasoning ?? '') + d.reasoning_content;
      if (d.tool_calls) {
        for (const tc of d.tool_calls) {
          let t = acc.toolCalls.get(tc.index);
          if (!t) {
            t = { id: '', name: '', args: '' };
            acc.toolCalls.set(tc.index, t);
          }
          if (tc.id) t.id = tc.id;
          if (tc.function?.name) t.name += tc.function.name;
          if (tc.function?.arguments) t.args += tc.function.arguments;
          for (const [k, v] of Object.entries(tc)) {
            if (!TOOL_CALL_KEYS.has(k) && v !== undefined) (t.extra ??= {})[k] = v;
          }
        }
      }
      const blocks = (d as { thinking_blocks?: unknown }).thinking_blocks;
      if (Array.isArray(blocks)) acc.thinkingBlocks.push(...blocks);
      if (c.finish_reason) acc.finish = c.finish_reason;
    }
  }

  /** Text content of choice 0 so far. */
  get text(): string {
    return this.choices.get(0)?.content ?? '';
  }

  get toolCallCount(): number {
    let n = 0;
    for (const c of this.choices.values()) n += c.toolCalls.size;
    return n;
  }

  get contentChars(): number {
    let n = 0;
    for (const c of this.choices.values()) n += (c.content?.length ?? 0) + (c.refusal?.length ?? 0);
    return n;
  }

  get finishReasons(): FinishReason[] {
    return [...this.choices.values()].map((c) => c.finish).filter((f): f is FinishReason => f !== null);
  }

  get lastUsage(): Usage | null {
    return this.usage;
  }

  toCompletion(): ChatCompletion {
    const choices = [...this.choices.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, acc]) => {
        const message: ChatCompletion['choices'][number]['message'] = {
          role: 'assistant',
          content: acc.content,
          refusal: acc.refusal,
        };
        if (acc.reasoning !== null) message.reasoning_content = acc.reasoning;
        if (acc.thinkingBlocks.length) (message as Record<string, unknown>).thinking_blocks = acc.thinkingBlocks;
        if (acc.toolCalls.size) {
          message.tool_calls = [...acc.toolCalls.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([, t]) => ({ id: t.id, type: 'function' as const, function: { name: t.name, arguments: t.args }, ...t.extra }));
        }
        return { index, message, finish_reason: acc.finish, logprobs: null };
      });
    const out: ChatCompletion = {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices,
      usage: this.usage,
    };
    if (this.systemFingerprint) out.system_fingerprint = this.systemFingerprint;
    return out;
  }
}

export function accumulateChunks(chunks: Iterable<ChatCompletionChunk>): ChatCompletion {
  const acc = new ChunkAccumulator();
  for (const c of chunks) acc.add(c);
  return acc.toCompletion();
}
