/**
 * The native proxy config file: the router's options (models, routing, retry, fallbacks,
 * breaker, budgets, rateLimits, cache, mirror, timeouts...; everything but the code-only
 * `clock`, `random` and `hooks`; `store` only as `{ redis: {...} }`) plus `server`, `masterKey`, `keys`, `guardrails` and
 * `telemetry`. See docs/proxy.md.
 */
import { z } from 'zod';
import { RouterOptionsShape } from '../../router/config.js';
import { StoreConfigSchema } from '../../router/store/config.js';

const { store: _store, clock: _clock, random: _random, hooks: _hooks, ...routerFileShape } = RouterOptionsShape;

const posInt = () => z.number().int().positive();
const nonNegInt = () => z.number().int().min(0);

/** `10485760`, `'10mb'`, `'512kb'`, `'1gb'` → bytes. */
export const ByteSizeSchema = z.union([
  posInt(),
  z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(b|kb|k|mb|m|gb|g)?\s*$/i, 'expected a size such as 1048576, "512kb" or "10mb"')
    .transform((s) => {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(s)!;
      const unit = (m[2] ?? '').toLowerCase();
      const mult = unit.startsWith('g') ? 1024 ** 3 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('k') ? 1024 : 1;
      return Math.floor(Number(m[1]) * mult);
    }),
]);

export const ServerSettingsSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  /** Largest request body accepted (413 above it). */
  bodyLimit: ByteSizeSchema.optional(),
  /** On SIGTERM/SIGINT, time given to in-flight requests before they are aborted. */
  drainTimeoutMs: nonNegInt().optional(),
  /** Idle keep-alive connections are closed after this (keep it above a load balancer's idle timeout). */
  keepAliveTimeoutMs: posInt().optional(),
  /** The request line and headers must arrive within this. */
  headersTimeoutMs: posInt().optional(),
  /** The whole request (headers and body) must arrive within this (408 otherwise). */
  requestTimeoutMs: posInt().optional(),
  /** Largest request header section in bytes (431 above it). */
  maxHeaderBytes: posInt().optional(),
  /** One log line per request (method, path, status, key id, duration; never bodies or credentials). */
  accessLog: z.boolean().optional(),
});

const KeyHashSchema = z.string().regex(/^sha256:[0-9a-fA-F]{64}$/, 'expected "sha256:" followed by 64 hex digits');
const PlainKeySchema = z.string().min(8, 'a key must have at least 8 characters');

export const KeyBudgetSchema = z.strictObject({
  name: z.string().optional(),
  limitUsd: z.number().min(0),
  window: z.union([z.enum(['minute', 'hour', 'day', 'week', 'month', 'total']), posInt()]),
});

export const VirtualKeySchema = z
  .strictObject({
    /** Stable id: budgets, rate limits, logs and spans use it (never the key itself). */
    id: z.string().min(1),
    /** The key in plain text (usually `${ENV_VAR}`); it is hashed at load and not kept. */
    key: PlainKeySchema.optional(),
    /** Or its SHA-256: `sha256:<hex>` (`tracegate proxy --hash-key`). */
    keyHash: KeyHashSchema.optional(),
    /** Aliases this key may use (default: all). */
    models: z.array(z.string().min(1)).optional(),
    budgets: z.array(KeyBudgetSchema).optional(),
    rpm: posInt().optional(),
    tpm: posInt().optional(),
    /** `user` and `team` feed budgets; every entry is request metadata for routing rules and spans. */
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .refine((k) => (k.key === undefined) !== (k.keyHash === undefined), { message: 'give exactly one of "key" and "keyHash"' });

/** The master key may be of any length (LiteLLM's docs use `sk-1234`); a short one is warned about. */
export const MasterKeySchema = z.union([z.string().min(1, 'the master key is empty'), z.strictObject({ keyHash: KeyHashSchema })]);

const GuardrailBase = {
  name: z.string().min(1),
  /** `pre`: on the request before any upstream call; `post`: on the answer (streams: flag only). */
  stage: z.enum(['pre', 'post']).optional(),
  /** `mask` (pre-call only): the matches are replaced by `replacement` and the call goes on. */
  action: z.enum(['block', 'flag', 'mask']).optional(),
  replacement: z.string().optional(),
  aliases: z.array(z.string().min(1)).optional(),
  /** Pre-call text checked: the last user message (default) or every message. */
  target: z.enum(['last_user', 'messages']).optional(),
};

export const GuardrailSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...GuardrailBase,
    type: z.literal('regex'),
    pattern: z.string().min(1),
    flags: z.string().regex(/^[imsu]*$/, 'allowed flags: i, m, s, u').optional(),
  }),
  z.strictObject({
    ...GuardrailBase,
    type: z.literal('keywords'),
    keywords: z.array(z.string().min(1)).min(1),
    caseSensitive: z.boolean().optional(),
  }),
  z.strictObject({
    name: GuardrailBase.name,
    stage: GuardrailBase.stage,
    aliases: GuardrailBase.aliases,
    type: z.literal('evaluator'),
    /** A built-in evaluator (`json_schema`, `tool_selection`, `groundedness`, `prompt_injection`, `answer_relevancy`) or a registered one. */
    evaluator: z.string().min(1),
    /** The evaluator's options, as in a `tracegate eval` spec (`schema`, `method`, `alias` of a judge...). */
    options: z.record(z.string(), z.unknown()).optional(),
    /** What a failed evaluation does; `repair` (post-call only) asks the same deployment again. Default `flag`. */
    action: z.enum(['block', 'flag', 'repair']).optional(),
    maxRepairs: z.number().int().min(0).optional(),
    /** When the evaluator itself fails (a judge that is down). */
    onError: z.enum(['block', 'allow']).optional(),
  }),
]);

export const TelemetrySchema = z.strictObject({
  /** Where traces go; default: the standard OTEL_* environment (off when it names nothing). */
  traces: z.enum(['otlp', 'console', 'file', 'none']).optional(),
  /** OTLP traces URL, e.g. http://localhost:4318/v1/traces (gRPC: http://localhost:4317). */
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  /** OTLP protocol; default: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf. */
  protocol: z.enum(['http/protobuf', 'http/json', 'grpc']).optional(),
  /** File for `traces: file` (OTLP-JSON lines). */
  file: z.string().min(1).optional(),
  serviceName: z.string().min(1).optional(),
  /** Record prompts and completions on spans (off by default). */
  captureContent: z.boolean().optional(),
});

export const ProxyConfigSchema = z.strictObject({
  ...routerFileShape,
  /** Shared state for several proxy instances: `{ redis: { url, keyPrefix? } }` (else TRACEGATE_REDIS_URL, else in memory). */
  store: StoreConfigSchema.optional(),
  server: ServerSettingsSchema.optional(),
  masterKey: MasterKeySchema.optional(),
  keys: z.array(VirtualKeySchema).optional(),
  guardrails: z.array(GuardrailSchema).optional(),
  telemetry: TelemetrySchema.optional(),
  /** Refuse (400) a chat or embeddings request without a `user` (LiteLLM's `enforce_user_param`). */
  enforceUserParam: z.boolean().optional(),
  /**
   * Model names clients send → aliases (e.g. `claude-sonnet-4-5: support-accurate` for
   * Anthropic-native clients); `"*"` maps every other unknown name. Used by every ingress.
   */
  modelAliases: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** Responses API conversation state (`store`, `previous_response_id`). */
  responses: z.strictObject({ storeTtlMs: z.number().int().positive().optional() }).optional(),
});

export type ProxyConfigInput = z.input<typeof ProxyConfigSchema>;
export type ProxyConfigFile = z.output<typeof ProxyConfigSchema>;
export type ServerSettingsInput = z.input<typeof ServerSettingsSchema>;
export type VirtualKeyInput = z.output<typeof VirtualKeySchema>;
export type GuardrailConfig = z.output<typeof GuardrailSchema>;
export type TelemetrySettings = z.output<typeof TelemetrySchema>;
