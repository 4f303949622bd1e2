/**
 * The dialect-neutral answer: what the fake model "said". Built deterministically from the
 * reply settings and the request, then rendered by each dialect in its own wire format.
 */
import { createHash } from 'node:crypto';
import type { FinishReason, Reply, StreamOptions } from '../scenario/schema.js';
import { estimateTokens, splitPieces } from './text.js';

export interface AnswerToolCall {
  /** Id given by the reply, else each dialect makes one from the call's seq. */
  id?: string;
  name: string;
  /** The arguments as the JSON text OpenAI-style wires carry (may be invalid JSON if scripted so). */
  arguments: string;
  /** The arguments as an object, for wires that carry objects (`{}` when the text is not a JSON object). */
  input: Record<string, unknown>;
}

/** Token counts. `prompt` is the whole prompt including cached tokens; `completion` includes reasoning. */
export interface AnswerUsage {
  prompt: number;
  completion: number;
  cached: number;
  cacheCreation: number;
  reasoning: number;
}

export interface Answer {
  /** The call's sequence number, for ids. */
  seq: number;
  model: string;
  created: number;
  text: string;
  reasoning?: string;
  reasoningSignature?: string;
  toolCalls: AnswerToolCall[];
  finish: FinishReason;
  usage: AnswerUsage;
  /** Content policy, `prompt` mode: the prompt itself was blocked (Gemini `promptFeedback`, Bedrock guardrail). */
  promptBlocked?: boolean;
}

export interface AnswerContext {
  seq: number;
  model: string;
  /** All prompt text (system, messages, tool results), for the usage estimate. */
  promptText: string;
  /** The text of the last user message, for `echo`. */
  lastUserText: string;
}

export function defaultReplyText(model: string): string {
  return `Mock reply from ${model || 'mock-model'}.`;
}

export function buildAnswer(reply: Reply, ctx: AnswerContext): Answer {
  const toolCalls = (reply.toolCalls ?? []).map((call): AnswerToolCall => {
    const args = call.arguments ?? {};
    const text = typeof args === 'string' ? args : JSON.stringify(args);
    return { ...(call.id ? { id: call.id } : {}), name: call.name, arguments: text, input: typeof args === 'string' ? parseObject(args) : args };
  });
  const text = reply.echo ? ctx.lastUserText : (reply.text ?? (toolCalls.length ? '' : defaultReplyText(ctx.model)));
  const reasoning = reply.reasoning;
  const finish = reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop');
  const reasoningTokens = reply.usage?.reasoning_tokens ?? (reasoning ? estimateTokens(reasoning) : 0);
  const outputText = text + toolCalls.map((call) => call.name + call.arguments).join('');
  const usage: AnswerUsage = {
    prompt: reply.usage?.prompt_tokens ?? Math.max(1, estimateTokens(ctx.promptText)),
    completion: reply.usage?.completion_tokens ?? estimateTokens(outputText) + reasoningTokens,
    cached: reply.usage?.cached_tokens ?? 0,
    cacheCreation: reply.usage?.cache_creation_tokens ?? 0,
    reasoning: reasoningTokens,
  };
  return {
    seq: ctx.seq,
    model: ctx.model,
    created: Math.floor(Date.now() / 1000),
    text,
    ...(reasoning !== undefined ? { reasoning, reasoningSignature: signatureFor(reasoning) } : {}),
    toolCalls,
    finish,
    usage,
  };
}

/** The pieces a stream carries, split per the stream options. */
export interface StreamPieces {
  reasoning: string[];
  text: string[];
  /** Per tool call, the pieces of its JSON arguments text. */
  arguments: string[][];
}

export function streamPieces(answer: Answer, options: StreamOptions): StreamPieces {
  return {
    reasoning: splitPieces(answer.reasoning ?? '', options.chunks),
    text: splitPieces(answer.text, options.chunks),
    arguments: answer.toolCalls.map((call) => splitPieces(call.arguments, options.chunks ?? Math.max(1, Math.ceil(call.arguments.length / 16)))),
  };
}

/** A deterministic stand-in for a provider's opaque reasoning signature. */
function signatureFor(reasoning: string): string {
  return createHash('sha256').update(`tracegate-mock:${reasoning}`).digest('base64');
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Input tokens not served from or written to the cache (Anthropic / Bedrock `input_tokens`). */
export function uncachedPrompt(usage: AnswerUsage): number {
  return Math.max(0, usage.prompt - usage.cached - usage.cacheCreation);
}
