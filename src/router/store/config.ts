/**
 * Choosing the router's store: a StateStore instance given in code, else `{ redis: { url, ... } }`
 * (router option or proxy config `store`), else `TRACEGATE_REDIS_URL`, else the in-memory store.
 * The Redis module is loaded only when Redis is configured.
 */
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { FailurePolicySchema } from './failure-policy.js';
import { MemoryStore } from './memory.js';
import { RedisStore } from './redis.js';
import type { StateStore } from './types.js';

const posInt = () => z.number().int().positive();

export const RedisStoreConfigSchema = z.strictObject({
  url: z.string().regex(/^rediss?:\/\/\S+$/, 'expected a URL such as redis://127.0.0.1:6379'),
  keyPrefix: z.string().max(100).optional(),
  commandTimeoutMs: posInt().optional(),
  connectTimeoutMs: posInt().optional(),
  failurePolicy: FailurePolicySchema.optional(),
  cacheMaxEntryBytes: posInt().optional(),
  cacheMaxBytes: posInt().optional(),
  localCacheMs: z.number().int().nonnegative().optional(),
  heartbeatMs: posInt().optional(),
});

export const StoreConfigSchema = z.strictObject({ redis: RedisStoreConfigSchema });

export type StoreConfig = z.input<typeof StoreConfigSchema>;

export interface StoreContext {
  clock: Clock;
  cacheMaxEntries: number;
  /** In-memory cache: total bytes. */
  cacheMaxBytes?: number;
  /** Largest cached answer (JSON bytes), any store. */
  cacheMaxEntryBytes?: number;
  env?: Record<string, string | undefined>;
}

/** The store a router uses, and whether the router must close it (a connection it opened). */
export function createStore(given: StateStore | StoreConfig | undefined, ctx: StoreContext): { store: StateStore; owned: boolean } {
  if (given && !isStoreConfig(given)) return { store: given, owned: false };
  const env = ctx.env ?? process.env;
  const redis = given?.redis ?? (env.TRACEGATE_REDIS_URL ? { url: env.TRACEGATE_REDIS_URL } : undefined);
  if (!redis) return {
      store: new MemoryStore({
        clock: ctx.clock,
        cacheMaxEntries: ctx.cacheMaxEntries,
        ...(ctx.cacheMaxBytes !== undefined ? { cacheMaxBytes: ctx.cacheMaxBytes } : {}),
        ...(ctx.cacheMaxEntryBytes !== undefined ? { cacheMaxEntryBytes: ctx.cacheMaxEntryBytes } : {}),
      }),
      owned: false,
    };
  const entryBytes = redis.cacheMaxEntryBytes ?? ctx.cacheMaxEntryBytes;
  const totalBytes = redis.cacheMaxBytes ?? ctx.cacheMaxBytes;
  return {
    store: new RedisStore({
      ...redis,
      clock: ctx.clock,
      cacheMaxEntries: ctx.cacheMaxEntries,
      ...(entryBytes !== undefined ? { cacheMaxEntryBytes: entryBytes } : {}),
      ...(totalBytes !== undefined ? { cacheMaxBytes: totalBytes } : {}),
    }),
    owned: true,
  };
}

function isStoreConfig(v: StateStore | StoreConfig): v is StoreConfig {
  return typeof (v as StateStore).get !== 'function' && typeof (v as StoreConfig).redis === 'object';
}
