/** Small helpers for decoders reading untrusted provider JSON. */
import { InvalidResponseError } from '../errors.js';
import type { AdapterContext, StreamEvent } from './types.js';

export type Json = Record<string, unknown>;

export function asRecord(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An InvalidResponseError attributed to the deployment, with (a bounded copy of) the body. */
export function invalidResponse(ctx: AdapterContext, message: string, body?: unknown): InvalidResponseError {
  const d = ctx.deployment;
  return new InvalidResponseError(`${d.provider} ${message}`, {
    provider: d.provider,
    deployment: d.id,
    model: d.model,
    providerError: typeof body === 'string' ? body.slice(0, 1000) : body,
  });
}

/** Parses a stream event's JSON payload (an object), or throws InvalidResponseError. */
export function parseEventJson(event: StreamEvent, ctx: AdapterContext): Json {
  let value: unknown;
  try {
    value = JSON.parse(event.data);
  } catch {
    throw invalidResponse(ctx, `sent a stream event that is not JSON: ${event.data.slice(0, 200)}`, event.data);
  }
  const obj = asRecord(value);
  if (!obj) throw invalidResponse(ctx, 'sent a stream event that is not a JSON object', event.data);
  return obj;
}

/** JSON text of a tool call's input object (providers send objects; OpenAI wants a string). */
export function argumentsText(input: unknown): string {
  if (typeof input === 'string') return input.trim() === '' ? '{}' : input;
  return JSON.stringify(input ?? {});
}
