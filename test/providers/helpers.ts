/** Shared helpers of the provider adapter tests: deployments, fixtures, framing, stream decoding. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import '../../src/providers/builtin.js';
import { encodeEventStreamMessage } from '../helpers/eventstream.js';
import { createFramer, type FramingKind } from '../../src/http/framing.js';
import { resolveModelInfo } from '../../src/providers/catalog/index.js';
import { getProvider } from '../../src/providers/registry.js';
import type { AdapterContext, Deployment, ProviderAdapter } from '../../src/providers/types.js';
import { DEFAULT_TIMEOUTS } from '../../src/router/config.js';
import type { ChatCompletionCreateParams } from '../../src/wire/chat-request.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/wire/chat-response.js';
import { accumulateChunks } from '../../src/wire/accumulate.js';

export const FIXTURES = join(process.cwd(), 'test/fixtures/providers');

export function fixtureText(family: string, file: string): string {
  return readFileSync(join(FIXTURES, family, file), 'utf8');
}

export function fixtureJson(family: string, file: string): unknown {
  return JSON.parse(fixtureText(family, file));
}

/** The payload lines of a `.chunks.txt` fixture. */
export function fixtureLines(family: string, file: string): string[] {
  return fixtureText(family, file)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
}

export function deployment(provider: string, model: string, extra: Partial<Deployment> & { options?: Record<string, unknown> } = {}): Deployment {
  const info = resolveModelInfo(provider, model);
  const d: Deployment = {
    id: `${provider}#0`,
    name: 'test',
    provider,
    model,
    apiKey: 'sk-test-key-123456',
    headers: {},
    options: {},
    weight: 1,
    priority: 0,
    tags: [],
    timeouts: DEFAULT_TIMEOUTS,
    capabilities: info.capabilities,
    propagateTraceContext: false,
    secrets: ['sk-test-key-123456'],
    ...extra,
  };
  if (info.price && !('price' in extra)) d.price = info.price;
  return d;
}

export function context(d: Deployment, stream: boolean): AdapterContext {
  return { deployment: d, stream };
}

/** Encodes a request and returns the parsed JSON body (and the spec). */
export async function encode(adapter: ProviderAdapter | string, d: Deployment, params: Partial<ChatCompletionCreateParams>, stream = false) {
  const a = typeof adapter === 'string' ? getProvider(adapter) : adapter;
  const ctx = context(d, stream);
  const spec = await a.chatRequest({ model: 'alias', messages: [{ role: 'user', content: 'hi' }], ...params } as ChatCompletionCreateParams, ctx);
  return { spec, body: JSON.parse(String(spec.body)) as Record<string, any>, ctx };
}

/** Raw stream bytes in a provider's wire framing, from a fixture's event payloads. */
export function wireBytes(kind: 'openai' | 'anthropic' | 'gemini' | 'bedrock', lines: string[]): Buffer {
  switch (kind) {
    case 'openai':
      return Buffer.from([...lines, '[DONE]'].map((l) => `data: ${l}\n\n`).join(''), 'utf8');
    case 'anthropic':
      return Buffer.from(lines.map((l) => `event: ${(JSON.parse(l) as { type: string }).type}\ndata: ${l}\n\n`).join(''), 'utf8');
    case 'gemini':
      return Buffer.from(lines.map((l) => `data: ${l}\r\n\r\n`).join(''), 'utf8');
    case 'bedrock':
      return Buffer.concat(
        lines.map((l) => {
          const [type, payload] = Object.entries(JSON.parse(l) as Record<string, unknown>)[0]!;
          return encodeEventStreamMessage({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, JSON.stringify(payload));
        }),
      );
  }
}

/** Splits bytes at the given offsets. */
export function splitAt(bytes: Buffer, offsets: number[]): Buffer[] {
  const cuts = [...new Set(offsets.filter((o) => o > 0 && o < bytes.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** A deterministic pseudo-random split of `bytes` into pieces. */
export function randomSplits(bytes: Buffer, seed: number, pieces: number): Buffer[] {
  let x = seed >>> 0 || 1;
  const offsets: number[] = [];
  for (let i = 0; i < pieces; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    offsets.push((x >>> 0) % bytes.length);
  }
  return splitAt(bytes, offsets);
}

/** Runs pieces of a body through the framer and the adapter's stream decoder, as the router does. */
export function decodeWire(adapter: ProviderAdapter, ctx: AdapterContext, pieces: Buffer[]): ChatCompletionChunk[] {
  const framer = createFramer(adapter.streamFraming as FramingKind);
  const decoder = adapter.chatStream(ctx);
  const out: ChatCompletionChunk[] = [];
  for (const piece of pieces) {
    for (const ev of framer.push(piece)) {
      out.push(...decoder.push(ev));
      if (decoder.done) return out;
    }
  }
  for (const ev of framer.end()) out.push(...decoder.push(ev));
  out.push(...decoder.end());
  return out;
}

export interface Expected {
  text?: string | null;
  reasoning?: string;
  tools?: { name: string; args: unknown; id?: string }[];
  finish: string;
  usage?: { prompt: number; completion: number; total?: number; cached?: number; cacheWrite?: number; reasoning?: number };
}

/** Checks a normalized completion: text, reasoning, tool calls (arguments parse as JSON), finish, usage. */
export function expectCompletion(c: ChatCompletion, e: Expected): void {
  const choice = c.choices[0]!;
  if (e.text !== undefined) expect(choice.message.content).toBe(e.text);
  if (e.reasoning !== undefined) expect(choice.message.reasoning_content).toBe(e.reasoning);
  const calls = choice.message.tool_calls ?? [];
  expect(calls.map((t) => t.function.name)).toEqual((e.tools ?? []).map((t) => t.name));
  calls.forEach((t, i) => {
    expect(JSON.parse(t.function.arguments)).toEqual(e.tools![i]!.args);
    expect(t.type).toBe('function');
    if (e.tools![i]!.id) expect(t.id).toBe(e.tools![i]!.id);
    else expect(t.id).toMatch(/^[A-Za-z0-9_-]+$/);
  });
  expect(choice.finish_reason).toBe(e.finish);
  if (e.usage) {
    const u = c.usage!;
    expect(u.prompt_tokens).toBe(e.usage.prompt);
    expect(u.completion_tokens).toBe(e.usage.completion);
    expect(u.total_tokens).toBe(e.usage.total ?? e.usage.prompt + e.usage.completion);
    if (e.usage.cached !== undefined) expect(u.prompt_tokens_details?.cached_tokens).toBe(e.usage.cached);
    if (e.usage.cacheWrite !== undefined) expect(u.prompt_tokens_details?.cache_creation_tokens).toBe(e.usage.cacheWrite);
    if (e.usage.reasoning !== undefined) expect(u.completion_tokens_details?.reasoning_tokens).toBe(e.usage.reasoning);
  }
}

/** Checks the stream invariants: one usage-only chunk, last, when usage is expected; role once. */
export function expectStreamShape(chunks: ChatCompletionChunk[], withUsage: boolean): void {
  const usageChunks = chunks.filter((c) => c.usage);
  if (withUsage) {
    expect(usageChunks).toHaveLength(1);
    expect(chunks[chunks.length - 1]!.choices).toEqual([]);
    expect(chunks[chunks.length - 1]!.usage).toBeTruthy();
  } else expect(usageChunks).toHaveLength(0);
  const roles = chunks.flatMap((c) => c.choices.filter((ch) => ch.index === 0 && ch.delta.role === 'assistant'));
  expect(roles.length).toBeLessThanOrEqual(1);
  const ids = new Set(chunks.map((c) => c.id));
  expect(ids.size).toBe(1);
}

export function streamCompletion(chunks: ChatCompletionChunk[]): ChatCompletion {
  return accumulateChunks(chunks);
}

/** A completion without the fields that differ between two decodings of the same stream (created time, generated ids). */
export function comparable(chunks: ChatCompletionChunk[]): ChatCompletion {
  return { ...accumulateChunks(chunks), id: '', created: 0 };
}
