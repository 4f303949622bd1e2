/**
 * Per-deployment request overrides: `defaults`, `override`, `drop`, `system`, `extraBody`,
 * `extraHeaders` on a model entry. Applied to each attempt's request (so a fallback to another
 * deployment gets that deployment's adjustments), and named (never their content) on the attempt.
 */
import { z } from 'zod';
import type { HttpRequestSpec } from '../http/transport.js';
import type { OverrideFields, OverrideVariant, RequestOverrides } from '../providers/types.js';

export type { OverrideFields, OverrideVariant, RequestOverrides };

/** Request fields an override may not touch (they are the call itself, not a parameter of it). */
const PROTECTED = ['model', 'messages', 'input', 'stream'];

const params = () =>
  z.record(z.string(), z.unknown()).refine((o) => !Object.keys(o).some((k) => PROTECTED.includes(k)), {
    message: `may not set ${PROTECTED.map((k) => `"${k}"`).join(', ')}`,
  });

export const SystemOverrideSchema = z
  .strictObject({ prepend: z.string().optional(), append: z.string().optional(), replace: z.string().optional() })
  .refine((s) => !(s.replace !== undefined && (s.prepend !== undefined || s.append !== undefined)), { message: '`replace` cannot be combined with `prepend`/`append`' });

/** The override fields of a model entry or of one of its variants. */
const OverrideFieldsShape = {
  /** Parameters sent when the caller sent none (`temperature`, `max_tokens`, `seed`, ...). */
  defaults: params().optional(),
  /** Parameters forced on every request of this deployment. */
  override: params().optional(),
  /** Parameters removed before the request reaches this deployment. */
  drop: z.array(z.string().min(1)).optional(),
  /** Text added to (or replacing) the system message; `{alias}` and `{model}` are filled in. */
  system: SystemOverrideSchema.optional(),
  /** Fields merged into the provider's own request body (after encoding). */
  extraBody: z.record(z.string(), z.unknown()).optional(),
  /** Headers added to this deployment's requests. */
  extraHeaders: z.record(z.string(), z.string()).optional(),
  /** Remove the parameters this deployment's provider cannot take instead of failing (default: the router's `dropParams`). */
  dropParams: z.boolean().optional(),
};

/** One variant: a name, a weight, and override fields layered over the entry's own. */
const VariantSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, `_`, `.`, `-` (1 to 64)'),
  weight: z.number().min(0),
  ...OverrideFieldsShape,
});

const VariantsSchema = z
  .array(VariantSchema)
  .min(1)
  .refine((list) => new Set(list.map((v) => v.name)).size === list.length, { message: 'variant names must be unique' })
  .refine((list) => list.some((v) => v.weight > 0), { message: 'at least one variant needs a weight above 0' });

/** The override fields of a model entry (merged into ModelEntrySchema), `variants` included. */
export const RequestOverridesShape = {
  ...OverrideFieldsShape,
  /** Override variants with a traffic split, chosen per attempt (router/variants.ts). */
  variants: VariantsSchema.optional(),
};


/** The override fields present on a parsed entry, or undefined when it has none. */
export function pickOverrides(entry: RequestOverrides): RequestOverrides | undefined {
  const out: RequestOverrides = {};
  for (const k of Object.keys(RequestOverridesShape) as (keyof RequestOverrides)[]) if (entry[k] !== undefined) (out as Record<string, unknown>)[k] = entry[k];
  return Object.keys(out).length ? out : undefined;
}

/**
 * The fields an attempt on variant `v` applies: the entry's own with the variant's layered over
 * them (`defaults`, `override`, `extraBody`, `extraHeaders` merged key by key, the variant's value
 * winning; `drop` joined; `system` and `dropParams` the variant's when it sets them).
 */
export function withVariant(base: RequestOverrides, v: OverrideVariant | undefined): OverrideFields {
  const { variants: _variants, ...own } = base;
  if (!v) return own;
  const out: OverrideFields = { ...own };
  for (const k of ['defaults', 'override', 'extraBody', 'extraHeaders'] as const) {
    if (v[k]) (out as Record<string, unknown>)[k] = { ...own[k], ...v[k] };
  }
  if (v.drop) out.drop = [...new Set([...(own.drop ?? []), ...v.drop])];
  if (v.system) out.system = v.system;
  if (v.dropParams !== undefined) out.dropParams = v.dropParams;
  return out;
}

export interface AppliedOverrides {
  params: Record<string, unknown>;
  /** Names of what was applied (`defaults.temperature`, `system.prepend`, `drop.seed`, `extraBody.top_k`). */
  applied: string[];
}

type Message = { role?: unknown; content?: unknown } & Record<string, unknown>;

const isSystem = (m: Message): boolean => m.role === 'system' || m.role === 'developer';

function withText(content: unknown, text: string, where: 'prepend' | 'append'): unknown {
  if (typeof content === 'string') return where === 'prepend' ? `${text}\n\n${content}` : `${content}\n\n${text}`;
  if (Array.isArray(content)) {
    const part = { type: 'text', text };
    return where === 'prepend' ? [part, ...content] : [...content, part];
  }
  return text;
}

function adjustSystem(messages: Message[], sys: NonNullable<OverrideFields['system']>, fill: (s: string) => string, applied: string[]): Message[] {
  let out = messages;
  if (sys.replace !== undefined) {
    out = [{ role: 'system', content: fill(sys.replace) }, ...out.filter((m) => !isSystem(m))];
    applied.push('system.replace');
    return out;
  }
  for (const where of ['prepend', 'append'] as const) {
    const text = sys[where];
    if (text === undefined) continue;
    const idx = where === 'prepend' ? out.findIndex(isSystem) : out.findLastIndex(isSystem);
    if (idx < 0) out = [{ role: 'system', content: fill(text) }, ...out];
    else out = out.map((m, i) => (i === idx ? { ...m, content: withText(m.content, fill(text), where) } : m));
    applied.push(`system.${where}`);
  }
  return out;
}

/** What `applyOverrides` needs to know about the attempt besides the overrides. */
export interface OverrideContext {
  alias: string;
  model: string;
  /** The provider's `unsupportedParams` (chat calls only): used when `dropParams` is on. */
  unsupported?: ((params: Record<string, unknown>, model: string) => string[]) | undefined;
}

/**
 * The request as this deployment receives it: defaults, override, system, then `drop` and last
 * `dropParams` (a dropped parameter never reaches the deployment, whoever set it).
 */
export function applyOverrides(request: Record<string, unknown>, o: OverrideFields | undefined, ctx: OverrideContext): AppliedOverrides {
  if (!o) return { params: { ...request }, applied: [] };
  const { alias, model } = ctx;
  const params: Record<string, unknown> = { ...request };
  const applied: string[] = [];
  for (const [k, v] of Object.entries(o.defaults ?? {})) {
    if (params[k] !== undefined && params[k] !== null) continue;
    params[k] = v;
    applied.push(`defaults.${k}`);
  }
  for (const [k, v] of Object.entries(o.override ?? {})) {
    params[k] = v;
    applied.push(`override.${k}`);
  }
  if (o.system && Array.isArray(params.messages)) {
    const fill = (s: string) => s.replaceAll('{alias}', alias).replaceAll('{model}', model);
    params.messages = adjustSystem(params.messages as Message[], o.system, fill, applied);
  }
  for (const k of o.drop ?? []) {
    if (!(k in params)) continue;
    delete params[k];
    applied.push(`drop.${k}`);
  }
  if (o.dropParams && ctx.unsupported) {
    for (const k of ctx.unsupported(params, model)) {
      if (!(k in params)) continue;
      delete params[k];
      applied.push(`dropParams.${k}`);
    }
  }
  for (const k of Object.keys(o.extraBody ?? {})) applied.push(`extraBody.${k}`);
  for (const k of Object.keys(o.extraHeaders ?? {})) applied.push(`extraHeaders.${k}`);
  return { params, applied };
}

/** The encoded request with the deployment's `extraBody` fields and `extraHeaders` added. */
export function applyExtras(spec: HttpRequestSpec, o: OverrideFields | undefined): HttpRequestSpec {
  if (!o || (!o.extraBody && !o.extraHeaders)) return spec;
  let out = spec;
  if (o.extraHeaders) out = { ...out, headers: { ...out.headers, ...o.extraHeaders } };
  if (o.extraBody && out.body !== undefined) {
    const text = typeof out.body === 'string' ? out.body : Buffer.from(out.body).toString('utf8');
    const body = JSON.parse(text) as Record<string, unknown>;
    out = { ...out, body: JSON.stringify({ ...body, ...o.extraBody }) };
  }
  return out;
}
