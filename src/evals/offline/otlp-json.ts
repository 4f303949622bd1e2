/** Decoding OTLP/JSON attribute values (the protobuf JSON mapping: 64-bit integers may be strings). */

export type OtlpAttr = string | number | boolean | OtlpAttr[] | null;

export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export function decodeOtlpValue(v: OtlpAnyValue): OtlpAttr {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(decodeOtlpValue);
  return null;
}

/** An OTLP key/value list as a plain object. */
export function otlpAttributes(list: readonly OtlpKeyValue[] | undefined): Record<string, OtlpAttr> {
  const out: Record<string, OtlpAttr> = {};
  for (const kv of list ?? []) out[kv.key] = decodeOtlpValue(kv.value);
  return out;
}
