/** Span classification and evaluation extraction: events, gen_ai attributes, OpenInference attributes, verdicts. */
import { describe, expect, it } from 'vitest';
import { evaluationTarget, evaluationsOf, isAttemptSpan, isCallSpan, verdictOf } from '../../src/report/model/records.js';
import type { AttrValue, SpanView } from '../../src/report/read/span.js';
import { normalizeId } from '../../src/report/read/span.js';

function span(attrs: Record<string, AttrValue>, extra: Partial<SpanView> = {}): SpanView {
  return {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    parentSpanId: 'c'.repeat(16),
    name: 'evaluation x',
    kind: 1,
    startMs: 0,
    endMs: 1,
    error: false,
    attributes: new Map(Object.entries(attrs)),
    events: [],
    links: [],
    service: undefined,
    ...extra,
  };
}

describe('records', () => {
  it('an evaluation span carrying the answer route is neither a call nor an attempt', () => {
    const a = span({ 'tracegate.route': 'support-fast', 'tracegate.deployment.id': 'd', 'gen_ai.evaluation.name': 'json' }).attributes;
    expect(isCallSpan(a)).toBe(false);
    expect(isAttemptSpan(a)).toBe(false);
    expect(isCallSpan(span({ 'tracegate.call.id': 'c1', 'tracegate.outcome': 'success' }).attributes)).toBe(true);
    expect(isAttemptSpan(span({ 'tracegate.attempt.index': 0 }).attributes)).toBe(true);
  });

  it('reads events first, then gen_ai attributes, then OpenInference evaluations.0.* attributes', () => {
    const withEvent = span(
      { 'gen_ai.evaluation.name': 'ignored-when-events' },
      { events: [{ name: 'gen_ai.evaluation.result', timeMs: 1, attributes: new Map<string, AttrValue>([['gen_ai.evaluation.name', 'json'], ['gen_ai.evaluation.score.value', 0], ['tracegate.evaluation.passed', false]]) }] },
    );
    expect(evaluationsOf(withEvent)).toMatchObject([{ name: 'json', score: 0, passed: false }]);
    expect(evaluationsOf(span({ 'gen_ai.evaluation.name': 'g', 'gen_ai.evaluation.score.label': 'ungrounded' }))).toMatchObject([{ name: 'g', passed: false }]);
    expect(evaluationsOf(span({ 'evaluations.0.evaluation.name': 'oi', 'evaluations.0.evaluation.score': 0.8, 'evaluations.0.evaluation.label': 'relevant' }))).toMatchObject([{ name: 'oi', score: 0.8, passed: true }]);
    expect(evaluationsOf(span({ 'some.other': 1 }))).toEqual([]);
  });

  it('the target of an evaluation span: its link, else its parent', () => {
    expect(evaluationTarget(span({}))).toEqual({ traceId: 'a'.repeat(32), spanId: 'c'.repeat(16) });
    expect(evaluationTarget(span({}, { links: [{ traceId: 'd'.repeat(32), spanId: 'e'.repeat(16) }] }))).toEqual({ traceId: 'd'.repeat(32), spanId: 'e'.repeat(16) });
  });

  it('verdicts: passed, else label, else score against threshold, else unknown', () => {
    expect(verdictOf(true, 'fail', 0, 1)).toBe(true);
    expect(verdictOf(undefined, 'Invalid', 1, 0)).toBe(false);
    expect(verdictOf(undefined, 'meh', 0.5, 0.7)).toBe(false);
    expect(verdictOf(undefined, undefined, 0.7, 0.7)).toBe(true);
    expect(verdictOf(undefined, 'meh', 0.7, undefined)).toBeUndefined();
  });

  it('ids: hex of any case or without leading zeros, base64; all-zero ids are no ids', () => {
    expect(normalizeId('ABC', 8)).toBe('0000000000000abc');
    expect(normalizeId(Buffer.from('0102030405060708', 'hex').toString('base64'), 8)).toBe('0102030405060708');
    expect(normalizeId('0000000000000000', 8)).toBeUndefined();
    expect(normalizeId('', 16)).toBeUndefined();
    expect(normalizeId('zz', 16)).toBeUndefined();
  });
});
