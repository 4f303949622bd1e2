/**
 * Process-global registry of the spans tracegate still has open, by span id (hex). The
 * evaluator bridge (`recordEvaluation`) uses it to add an evaluation event to an answer's span
 * while it is still open. Kept on `globalThis` under a `Symbol.for` key so the CommonJS and ESM
 * builds of tracegate share one registry.
 */
import type { Span } from '@opentelemetry/api';
import { processGlobal } from '../src/process-global.js';

export interface OpenSpan {
  readonly span: Span;
  readonly kind: 'call' | 'attempt';
  readonly callId: string;
}

function registry(): Map<string, OpenSpan> {
  return processGlobal('tracegate.instrumentation.open-spans', () => new Map<string, OpenSpan>());
}

export function trackOpenSpan(entry: OpenSpan): void {
  registry().set(entry.span.spanContext().spanId, entry);
}

export function untrackOpenSpan(span: Span): void {
  registry().delete(span.spanContext().spanId);
}

/** The open span with this id (16 hex digits), if tracegate still has it open. */
export function findOpenSpan(spanId: string): OpenSpan | undefined {
  return registry().get(spanId.toLowerCase());
}

/** How many spans are open (tests use it to check none leaked). */
export function openSpanCount(): number {
  return registry().size;
}
