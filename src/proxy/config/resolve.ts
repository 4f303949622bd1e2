/**
 * From a native config object (already interpolated) to the resolved ProxyConfig: schema
 * validation, the checks that need the whole file (key aliases exist, keys are unique, a key
 * cannot reach a disallowed alias through fallbacks, guardrails can be built), keys hashed, key
 * budgets added to the router's budgets, guardrails turned into hooks, server defaults filled.
 * Every problem is a ConfigIssue with the path (and line) it came from.
 */
import { ConfigError } from '../../errors.js';
import { resolvePolicies } from '../../router/config-policies.js';
import { wildcardRegex } from '../../router/wildcard.js';
import { ModelEntriesError, resolveDeployments, withSuggestions, type RouterOptions } from '../../router/config.js';
import { flattenIssues, type IssueLike } from '../../wire/validate.js';
import { checkGuardrails, guardrailHooks, LateRouter, requireUserHook } from '../guardrails.js';
import { digestKey, parseKeyHash, type KeySpec } from '../keys.js';
import { ProxyConfigSchema, type ProxyConfigFile, type TelemetrySettings } from './schema.js';
import { formatConfigPath, parseConfigPath, type ConfigIssue, type Locator } from './source.js';
import type { ConfigPath } from './interpolate.js';

export interface ServerSettings {
  port: number;
  host: string;
  bodyLimit: number;
  drainTimeoutMs: number;
  keepAliveTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxHeaderBytes: number;
  accessLog: boolean;
}

export const DEFAULT_SERVER: ServerSettings = {
  port: 4000,
  host: '127.0.0.1',
  bodyLimit: 10 * 1024 * 1024,
  drainTimeoutMs: 10_000,
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  maxHeaderBytes: 16 * 1024,
  accessLog: false,
};

/** Maps a path of the native config to where it came from in the file (and that place's line). */
export interface Origin {
  path(native: ConfigPath): ConfigPath;
  locate: Locator;
}

export interface ProxyConfig {
  /** The file it was read from, or a label for an object given in code. */
  source: string;
  format: 'native' | 'litellm';
  /** Router options: models and policies, key budgets added, guardrail hooks. */
  router: RouterOptions;
  server: ServerSettings;
  /** Virtual keys (master key included), as digests only. */
  keys: KeySpec[];
  telemetry: TelemetrySettings;
  /** Settings the file has that tracegate does not use (LiteLLM files). */
  warnings: string[];
  /** Where a native path comes from in the file (for errors found later, e.g. by the router). */
  origin: Origin;
  /** The router evaluator guardrails call for judges and embeddings: bound to the router once built. */
  judge: LateRouter;
  /** Client model names → aliases (config `modelAliases`; a LiteLLM file's `model_group_alias`). */
  /** Requests without `user` are refused (LiteLLM's `enforce_user_param`): chat through a pre-call hook, embeddings in their route. */
  enforceUserParam?: boolean;
  modelAliases: Record<string, string>;
  /** How long stored Responses API responses live. */
  responsesTtlMs?: number;
}

export const IDENTITY_ORIGIN: Origin = { path: (p) => p, locate: () => undefined };

/** An issue at a native path, mapped to the file's path and line. */
export function issueAt(origin: Origin, native: ConfigPath, message: string): ConfigIssue {
  const source = origin.path(native);
  const line = origin.locate(source);
  return { path: formatConfigPath(source), message, ...(line !== undefined ? { line } : {}) };
}

/** Issues of a zod error; each unknown key is named in its path (so its line is found), with "did you mean" from `schema`. */
export function zodIssues(origin: Origin, issues: readonly IssueLike[], prefix: ConfigPath = [], schema: unknown = ProxyConfigSchema): ConfigIssue[] {
  return flattenIssues(withSuggestions(schema, issues))
    .slice(0, 50)
    .map((i) => issueAt(origin, [...prefix, ...(i.path as ConfigPath)], i.message));
}

/** What the router would refuse (bad model entries, fallbacks to unknown aliases...), every entry at once. */
function routerChecks(file: ProxyConfigFile, origin: Origin): ConfigIssue[] {
  try {
    const deployments = resolveDeployments(file.models, file.timeouts, file.propagateTraceContext, undefined, file.dropParams);
    resolvePolicies(file as never, deployments);
    return [];
  } catch (err) {
    if (err instanceof ModelEntriesError) return err.problems.map((p) => issueAt(origin, parseConfigPath(p.path), p.message));
    if (err instanceof ConfigError) return [routerIssue(origin, err.message)];
    throw err;
  }
}

/** Issues in file order (by line, issues without a line last). */
export function inFileOrder(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.i - b.i)
    .map((x) => x.issue);
}

/** The issue of a router ConfigError message (`invalid router options: <path>: <message>`). */
export function routerIssue(origin: Origin, message: string): ConfigIssue {
  const m = /^invalid router options: ([^:\s]+(?:\[\d+\])*[^:\s]*): ([\s\S]*)$/.exec(message);
  if (!m) return { path: '', message };
  return issueAt(origin, parseConfigPath(m[1]!), m[2]!);
}

function fallbackClosure(file: ProxyConfigFile, from: string): Set<string> {
  const maps = [file.fallbacks, file.contextWindowFallbacks, file.contentPolicyFallbacks, file.badRequestFallbacks, file.guardrailFallbacks];
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length) {
    const alias = queue.shift()!;
    for (const map of maps) {
      if (!map) continue;
      for (const next of map[alias] ?? map['*'] ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
  }
  return seen;
}

function keyChecks(file: ProxyConfigFile, origin: Origin): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const aliases = new Set(file.models.map((m) => m.name));
  const ids = new Map<string, number>();
  const digests = new Map<string, number>();
  if (file.masterKey !== undefined) digests.set(masterDigest(file.masterKey).toString('hex'), -1);
  (file.keys ?? []).forEach((k, i) => {
    if (k.id === 'master') issues.push(issueAt(origin, ['keys', i, 'id'], '"master" is reserved for the master key'));
    if (ids.has(k.id)) issues.push(issueAt(origin, ['keys', i, 'id'], `duplicate key id "${k.id}" (also keys[${ids.get(k.id)}])`));
    ids.set(k.id, i);
    const hex = keyDigest(k).toString('hex');
    const other = digests.get(hex);
    if (other !== undefined) issues.push(issueAt(origin, ['keys', i, k.key !== undefined ? 'key' : 'keyHash'], `the same key as ${other < 0 ? 'the master key' : `keys[${other}]`}`));
    digests.set(hex, i);
    const allowed = k.models;
    if (!allowed) return;
    const allowedSet = new Set(allowed);
    const patterns = [...aliases].filter((a) => a.includes('*')).map(wildcardRegex);
    allowed.forEach((alias, j) => {
      if (alias.includes('*') || (!aliases.has(alias) && patterns.some((p) => p.test(alias)))) return;
      if (!aliases.has(alias)) {
        issues.push(issueAt(origin, ['keys', i, 'models', j], `unknown alias "${alias}" (known: ${[...aliases].sort().join(', ')})`));
        return;
      }
      for (const reached of fallbackClosure(file, alias)) {
        if (!allowedSet.has(reached)) {
          issues.push(
            issueAt(
              origin,
              ['keys', i, 'models', j],
              `"${alias}" can fall back to "${reached}", which key "${k.id}" may not use; add "${reached}" to its models or change the fallbacks`,
            ),
          );
          break;
        }
      }
    });
  });
  return issues;
}

function keyDigest(k: { key?: string | undefined; keyHash?: string | undefined }): Buffer {
  return k.key !== undefined ? digestKey(k.key) : parseKeyHash(k.keyHash!);
}

function masterDigest(m: NonNullable<ProxyConfigFile['masterKey']>): Buffer {
  return typeof m === 'string' ? digestKey(m) : parseKeyHash(m.keyHash);
}

function serverSettings(file: ProxyConfigFile, origin: Origin, issues: ConfigIssue[]): ServerSettings {
  const s = file.server ?? {};
  const out: ServerSettings = { ...DEFAULT_SERVER };
  for (const [k, v] of Object.entries(s)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  if (out.headersTimeoutMs > out.requestTimeoutMs) {
    issues.push(issueAt(origin, ['server', 'headersTimeoutMs'], `must not exceed server.requestTimeoutMs (${out.requestTimeoutMs})`));
  }
  return out;
}

export interface ResolveOptions {
  source: string;
  format?: ProxyConfig['format'];
  origin?: Origin;
  warnings?: string[];
  /** Issues found before (the LiteLLM reader's): reported with these, in file order. */
  earlier?: ConfigIssue[];
}

/** Validates a native config object; returns the resolved config or the list of issues. */
export function resolveConfigObject(raw: unknown, options: ResolveOptions): { config: ProxyConfig } | { issues: ConfigIssue[] } {
  const origin = options.origin ?? IDENTITY_ORIGIN;
  const earlier = options.earlier ?? [];
  const parsed = ProxyConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) return { issues: inFileOrder([...earlier, ...zodIssues(origin, parsed.error.issues as readonly IssueLike[])]) };
  const file = parsed.data;
  const issues: ConfigIssue[] = [...earlier];
  issues.push(...keyChecks(file, origin));
  issues.push(...routerChecks(file, origin));
  const aliases = new Set(file.models.map((m) => m.name));
  issues.push(...checkGuardrails(file.guardrails ?? [], aliases).map((i) => issueAt(origin, parseConfigPath(i.path), i.message)));
  (file.guardrails ?? []).forEach((g, i) =>
    g.aliases?.forEach((a, j) => {
      if (!aliases.has(a)) issues.push(issueAt(origin, ['guardrails', i, 'aliases', j], `unknown alias "${a}"`));
    }),
  );
  for (const [from, to] of Object.entries(file.modelAliases ?? {})) {
    if (!aliases.has(to)) issues.push(issueAt(origin, ['modelAliases', from], `unknown alias "${to}"`));
  }
  const server = serverSettings(file, origin, issues);
  if (issues.length) return { issues: inFileOrder(issues) };

  const { server: _s, masterKey, keys = [], guardrails = [], telemetry = {}, enforceUserParam, modelAliases = {}, responses, ...routerPart } = file;
  const warnings = [...(options.warnings ?? [])];
  if (typeof masterKey === 'string' && masterKey.length < 8) {
    warnings.push(`${formatConfigPath(origin.path(['masterKey']))}: the master key has only ${masterKey.length} characters: anyone who guesses it controls the proxy; use a long random key (e.g. \`openssl rand -hex 24\`)`);
  }
  const specs: KeySpec[] = [];
  if (masterKey !== undefined) specs.push({ id: 'master', digest: masterDigest(masterKey), master: true });
  const keyBudgets: NonNullable<RouterOptions['budgets']> = [];
  for (const k of keys) {
    const spec: KeySpec = { id: k.id, digest: keyDigest(k) };
    if (k.models) spec.models = k.models;
    if (k.rpm !== undefined) spec.rpm = k.rpm;
    if (k.tpm !== undefined) spec.tpm = k.tpm;
    if (k.metadata) spec.metadata = k.metadata;
    specs.push(spec);
    for (const b of k.budgets ?? []) {
      keyBudgets.push({ name: b.name ?? `key:${k.id}/${String(b.window)}`, scope: 'key', match: k.id, limitUsd: b.limitUsd, window: b.window });
    }
  }
  const router = { ...routerPart } as RouterOptions;
  if (keyBudgets.length) router.budgets = [...(router.budgets ?? []), ...keyBudgets];
  const judge = new LateRouter();
  const hooks = guardrailHooks(guardrails, judge);
  if (enforceUserParam) hooks.preCall = [requireUserHook, ...(hooks.preCall ?? [])];
  if (hooks.preCall || hooks.postCall) router.hooks = hooks as RouterOptions['hooks'];
  return {
    config: {
      source: options.source,
      format: options.format ?? 'native',
      router,
      server,
      keys: specs,
      telemetry,
      warnings,
      origin,
      judge,
      modelAliases,
      ...(enforceUserParam ? { enforceUserParam: true } : {}),
      ...(responses?.storeTtlMs !== undefined ? { responsesTtlMs: responses.storeTtlMs } : {}),
    },
  };
}
