/**
 * The policy part of the router options (routing, retries, fallbacks, breaker, budgets, rate
 * limits, cache, mirroring, hooks, store): zod schemas, defaults, and the cross-checks that need
 * the resolved deployments (fallback targets exist, rule deployments exist...). Every error is
 * a ConfigError naming the path, e.g. `fallbacks.support-fast[0]`.
 */
import { z } from 'zod';
import { ConfigError, type ErrorClass } from '../errors.js';
import type { Deployment } from '../providers/types.js';
import { DEFAULT_BREAKER, type BreakerConfig } from './breaker.js';
import type { BudgetRule } from './budget.js';
import { DEFAULT_CACHE, type CacheConfig } from './cache.js';
import { PerAliasCacheSchema, resolveSemantic, SemanticCacheSchema, type SemanticCacheConfig } from './semantic-cache/config.js';
import type { Clock } from './clock.js';
import type { GuardrailHooks } from './hooks.js';
import type { RateLimit } from './limits.js';
import type { MirrorConfig } from './mirror.js';
import { DEFAULT_FALLBACK, type FallbackConfig } from './policy/fallback.js';
import { DEFAULT_RETRY, RETRYABLE_CLASSES, type RetryConfig } from './policy/retry.js';
import { StoreConfigSchema } from './store/config.js';
import type { StateStore } from './store/types.js';
import { STRATEGY_NAMES, type StrategyName } from './strategies/index.js';
import type { RoutingRule } from './strategies/rules.js';

const posInt = () => z.number().int().positive();
const nonNegInt = () => z.number().int().min(0);
const StrategySchema = z.enum(STRATEGY_NAMES as [StrategyName, ...StrategyName[]]);
const AliasList = z.record(z.string(), z.array(z.string().min(1)));

export const RoutingRuleSchema = z.strictObject({
  aliases: z.array(z.string()).optional(),
  match: z.strictObject({
    metadata: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
    tags: z.array(z.string()).optional(),
  }),
  deployments: z.array(z.string()).optional(),
  deploymentTags: z.array(z.string()).optional(),
  strategy: StrategySchema.optional(),
  strict: z.boolean().optional(),
});

export const PolicyOptionsShape = {
  routing: z
    .strictObject({
      strategy: StrategySchema.optional(),
      /** Latency strategy: candidates within this share of the best count as ties. */
      latencyBuffer: z.number().min(0).optional(),
      /** Per-alias strategy. */
      perAlias: z.record(z.string(), z.strictObject({ strategy: StrategySchema })).optional(),
      rules: z.array(RoutingRuleSchema).optional(),
    })
    .optional(),
  retry: z
    .strictObject({
      maxAttempts: posInt().optional(),
      perClass: z.partialRecord(z.enum(RETRYABLE_CLASSES as [string, ...string[]]), nonNegInt()).optional(),
      initialBackoffMs: nonNegInt().optional(),
      maxBackoffMs: nonNegInt().optional(),
      multiplier: z.number().min(1).optional(),
      retryAfterMaxMs: nonNegInt().optional(),
    })
    .optional(),
  fallbacks: AliasList.optional(),
  contextWindowFallbacks: AliasList.optional(),
  contentPolicyFallbacks: AliasList.optional(),
  badRequestFallbacks: AliasList.optional(),
  guardrailFallbacks: AliasList.optional(),
  maxFallbackDepth: nonNegInt().optional(),
  breaker: z
    .strictObject({
      enabled: z.boolean().optional(),
      consecutiveFailures: posInt().optional(),
      failureRate: z.number().gt(0).max(1).optional(),
      minRequests: posInt().optional(),
      windowMs: posInt().optional(),
      cooldownMs: nonNegInt().optional(),
      halfOpenProbes: posInt().optional(),
      failureClasses: z.array(z.string()).optional(),
    })
    .optional(),
  /** Skip deployments whose context window cannot hold the estimated prompt (default true). */
  contextWindowCheck: z.boolean().optional(),
  budgets: z
    .array(
      z.strictObject({
        name: z.string().optional(),
        scope: z.enum(['route', 'key', 'user', 'team', 'provider', 'global']),
        match: z.string().optional(),
        limitUsd: z.number().min(0),
        window: z.union([z.enum(['minute', 'hour', 'day', 'week', 'month', 'total']), posInt()]),
      }),
    )
    .optional(),
  rateLimits: z
    .strictObject({
      keys: z.record(z.string(), z.strictObject({ rpm: posInt().optional(), tpm: posInt().optional() })).optional(),
      /** Limits of keys without their own entry. */
      defaultKey: z.strictObject({ rpm: posInt().optional(), tpm: posInt().optional() }).optional(),
    })
    .optional(),
  cache: z
    .strictObject({
      enabled: z.boolean().optional(),
      ttlMs: posInt().optional(),
      maxEntries: posInt().optional(),
      maxBytes: posInt().optional(),
      maxEntryBytes: posInt().optional(),
      perKey: z.boolean().optional(),
      /** The semantic cache for every chat alias (see docs/router.md). */
      semantic: SemanticCacheSchema.optional(),
      /** Per alias: `{ semantic: {...} }` (merged over `semantic`) or `{ semantic: false }`. */
      perAlias: PerAliasCacheSchema.optional(),
    })
    .optional(),
  mirror: z.record(z.string(), z.strictObject({ to: z.string().min(1), sampleRate: z.number().min(0).max(1) })).optional(),
  hooks: z
    .strictObject({
      preCall: z.array(z.custom<NonNullable<GuardrailHooks['preCall']>[number]>(isHook, 'expected a hook { name, check() }')).optional(),
      postCall: z.array(z.custom<NonNullable<GuardrailHooks['postCall']>[number]>(isHook, 'expected a hook { name, check() }')).optional(),
    })
    .optional(),
  /** A StateStore instance, or `{ redis: { url, keyPrefix?, ... } }` (see docs/router.md, shared state). */
  store: z.union([z.custom<StateStore>(isStore, 'expected a StateStore'), StoreConfigSchema]).optional(),
  clock: z.custom<Clock>((v) => !!v && typeof (v as Clock).now === 'function', 'expected { now(): number }').optional(),
  /** Random source for strategies, jitter and sampling (tests). */
  random: z.custom<() => number>((v) => typeof v === 'function', 'expected a function').optional(),
};

function isHook(v: unknown): boolean {
  return !!v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string' && typeof (v as { check?: unknown }).check === 'function';
}

function isStore(v: unknown): boolean {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return ['get', 'set', 'update', 'reserve', 'increment', 'windowAdd', 'windowUsage', 'cacheGet', 'cacheSet'].every((m) => typeof s[m] === 'function');
}

type PolicyInput = { [K in keyof typeof PolicyOptionsShape]?: z.infer<(typeof PolicyOptionsShape)[K]> };

/** Resolved policies with every default filled in. */
export interface Policies {
  strategy: StrategyName;
  latencyBuffer: number;
  perAliasStrategy: Record<string, StrategyName>;
  rules: RoutingRule[];
  retry: RetryConfig;
  fallback: FallbackConfig;
  breaker: BreakerConfig;
  contextWindowCheck: boolean;
  budgets: BudgetRule[];
  keyLimits: Record<string, RateLimit>;
  defaultKeyLimit?: RateLimit;
  cache: CacheConfig;
  /** The semantic cache of each alias that has one. */
  semanticCache: Record<string, SemanticCacheConfig>;
  mirror: MirrorConfig;
  hooks: GuardrailHooks;
}

function fail(path: string, message: string): never {
  throw new ConfigError(`invalid router options: ${path}: ${message}`);
}

function checkAliasMap(name: string, map: Record<string, string[]> | undefined, aliases: ReadonlySet<string>): void {
  for (const [from, list] of Object.entries(map ?? {})) {
    if (from !== '*' && !aliases.has(from)) fail(`${name}.${from}`, `unknown alias "${from}"`);
    list.forEach((to, i) => {
      if (!aliases.has(to)) fail(`${name}.${from}[${i}]`, `unknown alias "${to}"`);
    });
  }
}

export function resolvePolicies(input: PolicyInput, deployments: readonly Deployment[]): Policies {
  const aliases = new Set(deployments.map((d) => d.name));
  const ids = new Set(deployments.map((d) => d.id));
  for (const name of ['fallbacks', 'contextWindowFallbacks', 'contentPolicyFallbacks', 'badRequestFallbacks', 'guardrailFallbacks'] as const) {
    checkAliasMap(name, input[name], aliases);
  }
  for (const [alias, rule] of Object.entries(input.mirror ?? {})) {
    if (!aliases.has(alias)) fail(`mirror.${alias}`, `unknown alias "${alias}"`);
    if (!aliases.has(rule.to)) fail(`mirror.${alias}.to`, `unknown alias "${rule.to}"`);
    if (rule.to === alias) fail(`mirror.${alias}.to`, 'an alias cannot mirror to itself');
  }
  for (const alias of Object.keys(input.routing?.perAlias ?? {})) {
    if (!aliases.has(alias)) fail(`routing.perAlias.${alias}`, `unknown alias "${alias}"`);
  }
  (input.routing?.rules ?? []).forEach((rule, i) => {
    rule.deployments?.forEach((id, j) => {
      if (!ids.has(id)) fail(`routing.rules[${i}].deployments[${j}]`, `unknown deployment "${id}"`);
    });
    rule.aliases?.forEach((a, j) => {
      if (!aliases.has(a)) fail(`routing.rules[${i}].aliases[${j}]`, `unknown alias "${a}"`);
    });
  });
  const r = input.retry ?? {};
  const retry: RetryConfig = {
    maxAttempts: r.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    perClass: { ...DEFAULT_RETRY.perClass, ...(r.perClass as Partial<RetryConfig['perClass']>) },
    initialBackoffMs: r.initialBackoffMs ?? DEFAULT_RETRY.initialBackoffMs,
    maxBackoffMs: r.maxBackoffMs ?? DEFAULT_RETRY.maxBackoffMs,
    multiplier: r.multiplier ?? DEFAULT_RETRY.multiplier,
    retryAfterMaxMs: r.retryAfterMaxMs ?? DEFAULT_RETRY.retryAfterMaxMs,
  };
  const b = input.breaker ?? {};
  const breaker: BreakerConfig = {
    enabled: b.enabled ?? DEFAULT_BREAKER.enabled,
    consecutiveFailures: b.consecutiveFailures ?? DEFAULT_BREAKER.consecutiveFailures,
    failureRate: b.failureRate ?? DEFAULT_BREAKER.failureRate,
    minRequests: b.minRequests ?? DEFAULT_BREAKER.minRequests,
    windowMs: b.windowMs ?? DEFAULT_BREAKER.windowMs,
    cooldownMs: b.cooldownMs ?? DEFAULT_BREAKER.cooldownMs,
    halfOpenProbes: b.halfOpenProbes ?? DEFAULT_BREAKER.halfOpenProbes,
    failureClasses: (b.failureClasses as ErrorClass[] | undefined) ?? DEFAULT_BREAKER.failureClasses,
  };
  const c = input.cache ?? {};
  const policies: Policies = {
    strategy: input.routing?.strategy ?? 'weighted',
    latencyBuffer: input.routing?.latencyBuffer ?? 0.1,
    perAliasStrategy: Object.fromEntries(Object.entries(input.routing?.perAlias ?? {}).map(([a, v]) => [a, v.strategy])),
    rules: (input.routing?.rules ?? []) as RoutingRule[],
    retry,
    fallback: {
      fallbacks: input.fallbacks ?? DEFAULT_FALLBACK.fallbacks,
      contextWindowFallbacks: input.contextWindowFallbacks ?? {},
      contentPolicyFallbacks: input.contentPolicyFallbacks ?? {},
      badRequestFallbacks: input.badRequestFallbacks ?? {},
      guardrailFallbacks: input.guardrailFallbacks ?? {},
      maxFallbackDepth: input.maxFallbackDepth ?? DEFAULT_FALLBACK.maxFallbackDepth,
    },
    breaker,
    contextWindowCheck: input.contextWindowCheck ?? true,
    budgets: (input.budgets ?? []) as BudgetRule[],
    keyLimits: (input.rateLimits?.keys ?? {}) as Record<string, RateLimit>,
    cache: {
      enabled: c.enabled ?? DEFAULT_CACHE.enabled,
      ttlMs: c.ttlMs ?? DEFAULT_CACHE.ttlMs,
      maxEntries: c.maxEntries ?? DEFAULT_CACHE.maxEntries,
      maxBytes: c.maxBytes ?? DEFAULT_CACHE.maxBytes,
      maxEntryBytes: c.maxEntryBytes ?? DEFAULT_CACHE.maxEntryBytes,
      perKey: c.perKey ?? DEFAULT_CACHE.perKey,
    },
    semanticCache: resolveSemantic(c.semantic, c.perAlias, aliases, fail),
    mirror: input.mirror ?? {},
    hooks: (input.hooks ?? {}) as GuardrailHooks,
  };
  if (input.rateLimits?.defaultKey) policies.defaultKeyLimit = input.rateLimits.defaultKey;
  return policies;
}
