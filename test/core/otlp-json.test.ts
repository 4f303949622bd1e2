/** The one OTLP/JSON decoder (src/otlp/json.ts), and that no other production module decodes OTLP values on its own. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eachOtlpSpan, type OtlpSpanRecord } from '../../src/otlp/json.js';
import { ROOT } from '../helpers/build.js';

const span = (extra: Record<string, unknown>) => ({
  traceId: Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex').toString('base64'),
  spanId: 'ABCDEF0123456789',
  name: 's',
  ...extra,
});

describe('OTLP/JSON decoder', () => {
  it('decodes ids, kinds, status, flags, times, every value type, resource and scope', () => {
    const got: OtlpSpanRecord[] = [];
    const r = eachOtlpSpan(
      {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
            scopeSpans: [
              {
                scope: { name: 'tracegate' },
                spans: [
                  span({
                    kind: 'SPAN_KIND_CLIENT',
                    flags: 257,
                    status: { code: 'STATUS_CODE_ERROR' },
                    startTimeUnixNano: '1700000000123456789',
                    endTimeUnixNano: { low: 0, high: 1 },
                    attributes: [
                      { key: 'i', value: { intValue: '42' } },
                      { key: 'd', value: { doubleValue: 2 } },
                      { key: 'ds', value: { doubleValue: '0.5' } },
                      { key: 'b', value: { boolValue: false } },
                      { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 1 }] } } },
                      { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
                      { key: 'none', value: {} },
                    ],
                    events: [{ name: 'e', timeUnixNano: '2000000', attributes: [{ key: 'x', value: { doubleValue: 0.25 } }] }],
                    links: [{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '1' }],
                  }),
                  { spanId: 'abcdef0123456789', name: 'no trace id' },
                ],
              },
            ],
          },
        ],
      },
      (s) => got.push(s),
    );
    expect(r).toEqual({ spans: 1, skipped: 1 });
    const s = got[0]!;
    expect(s.traceId).toBe('0102030405060708090a0b0c0d0e0f10');
    expect(s.spanId).toBe('abcdef0123456789');
    expect(s).toMatchObject({ kind: 3, flags: 257, statusCode: 2, scope: 'tracegate', parentSpanId: undefined });
    expect(s.startMs).toBeCloseTo(1700000000123.4568, 3);
    expect(s.endMs).toBe(4294967296 / 1e6);
    expect(Object.fromEntries(s.attributes)).toEqual({ i: 42, d: 2, ds: 0.5, b: false, a: ['x', 1], kv: '{"k":"v"}', none: null });
    expect(s.events).toEqual([{ name: 'e', timeMs: 2, attributes: new Map([['x', 0.25]]) }]);
    expect(s.links).toEqual([{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0000000000000001' }]);
    expect(s.resource.get('service.name')).toBe('svc');
  });
});

describe('one OTLP/JSON reader', () => {
  it('no module of src/ but src/otlp decodes OTLP attribute values', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
      });
    const decoders = files(join(ROOT, 'src'))
      .filter((f) => /\b(intValue|doubleValue|kvlistValue)\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(decoders).toEqual(['src/otlp/json.ts']);
  });
});
