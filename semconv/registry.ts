/**
 * The catalogue behind `tracegate/semconv`: every name tracegate emits is declared once through
 * these helpers, which return the name itself (typed as its literal) and record what it is, the
 * standard it follows and where it appears. `docs/semconv.md` is generated from this catalogue.
 */

/** The standard a name comes from. */
export type Standard = 'gen_ai' | 'openinference' | 'otel' | 'tracegate';

export type NameKind = 'span' | 'attribute' | 'event' | 'metric';

/** Where an attribute or event appears. */
export type Placement = 'call' | 'attempt' | 'evaluation' | 'event' | 'metric';

export type ValueType = 'string' | 'int' | 'double' | 'boolean' | 'string[]' | 'int[]' | 'double[]';

export interface SemconvEntry {
  readonly name: string;
  readonly kind: NameKind;
  readonly standard: Standard;
  readonly description: string;
  readonly type?: ValueType;
  readonly on?: readonly Placement[];
  /** For metrics. */
  readonly instrument?: 'histogram' | 'counter';
  readonly unit?: string;
  readonly buckets?: readonly number[];
  /** Only when content capture is on. */
  readonly optIn?: boolean;
  /** The name has a variable part, e.g. `<i>` or `<key>`. */
  readonly template?: boolean;
}

const entries: SemconvEntry[] = [];

type Meta = Omit<SemconvEntry, 'name' | 'kind' | 'standard'>;

function add<N extends string>(name: N, kind: NameKind, standard: Standard, meta: Meta): N {
  if (entries.some((e) => e.name === name && e.kind === kind)) throw new Error(`semconv: "${name}" declared twice`);
  entries.push({ name, kind, standard, ...meta, template: meta.template ?? name.includes('<') });
  return name;
}

export function attribute<N extends string>(standard: Standard, name: N, meta: Meta & { type: ValueType }): N {
  return add(name, 'attribute', standard, meta);
}

export function event<N extends string>(standard: Standard, name: N, meta: Meta): N {
  return add(name, 'event', standard, meta);
}

export function metric<N extends string>(
  standard: Standard,
  name: N,
  meta: Meta & { instrument: 'histogram' | 'counter'; unit: string },
): N {
  return add(name, 'metric', standard, meta);
}

export function spanName<N extends string>(standard: Standard, name: N, meta: Meta): N {
  return add(name, 'span', standard, meta);
}

/** Every declared name, in declaration order. */
export function semconvEntries(): readonly SemconvEntry[] {
  return entries;
}
