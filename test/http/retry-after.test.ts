import { describe, expect, it } from 'vitest';
import { parseDurationString, parseRetryAfter } from '../../src/http/retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after-ms': '12.6' }, 13],
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after': '1.5' }, 1500],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    [{ 'retry-after-ms': '100', 'retry-after': '9' }, 100],
    [{ 'retry-after-ms': 'abc', 'retry-after': '2' }, 2000],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(parseRetryAfter(headers as Record<string, string>, now)).toBe(expected);
  });

  it('reads a Headers object', () => {
    expect(parseRetryAfter(new Headers({ 'Retry-After': '4' }), now)).toBe(4000);
  });

  it('parses protobuf durations', () => {
    expect(parseDurationString('34.4s')).toBe(34_400);
    expect(parseDurationString('2s')).toBe(2000);
    expect(parseDurationString('2m')).toBeUndefined();
  });
});
