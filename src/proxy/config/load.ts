/**
 * Loading a proxy config: read the file, parse YAML/JSON keeping positions, tell LiteLLM's
 * format (it has `model_list`) from the native one, interpolate `${ENV}` / `os.environ/NAME`,
 * validate, resolve. Every problem is one ProxyConfigError listing file:line, path and message.
 */
import { readFile } from 'node:fs/promises';
import { interpolate, type MissingVariable } from './interpolate.js';
import { convertLiteLLM, isLiteLLMConfig, type LiteLLMOptions } from './litellm.js';
import { applyProviderEnv } from './provider-env.js';
import { inFileOrder, issueAt, resolveConfigObject, type Origin, type ProxyConfig } from './resolve.js';
import { formatConfigPath, parseConfigPath, parseSource, ProxyConfigError, type ConfigIssue, type Locator } from './source.js';

export interface LoadOptions extends LiteLLMOptions {
  /** Environment for interpolation and provider key fallbacks (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

function missingIssues(origin: Origin, missing: readonly MissingVariable[], native: boolean): ConfigIssue[] {
  return missing.map((m) => {
    const message = `environment variable ${m.name} is not set`;
    if (native) return issueAt(origin, m.path, message);
    const line = origin.locate(m.path);
    return { path: formatConfigPath(m.path), message, ...(line !== undefined ? { line } : {}) };
  });
}

function withLines(issues: ConfigIssue[], locate: Locator): ConfigIssue[] {
  return issues.map((i) => {
    if (i.line !== undefined || !i.path) return i;
    const line = locate(parseConfigPath(i.path));
    return line !== undefined ? { ...i, line } : i;
  });
}

/**
 * A variable that is not set leaves its value empty: the entry's "needs an apiKey" that follows
 * says the same thing again, so it is dropped.
 */
function withoutEcho(issues: readonly ConfigIssue[], missing: readonly ConfigIssue[]): ConfigIssue[] {
  const entries = new Set(missing.map((m) => /^[a-z_]+\[\d+\]/.exec(m.path)?.[0]).filter(Boolean));
  return issues.filter((i) => !(entries.has(i.path) && / needs /.test(i.message)));
}

/** Resolves the parsed contents of a config file (either format). */
export function resolveParsed(data: unknown, file: string, locate: Locator, env: NodeJS.ProcessEnv, options: LiteLLMOptions = {}): ProxyConfig {
  if (isLiteLLMConfig(data)) {
    const conv = convertLiteLLM(data, env, options);
    const origin: Origin = { path: conv.origin, locate };
    const early = [...withLines(conv.issues, locate), ...missingIssues(origin, conv.missing, false)];
    conv.native.models = applyProviderEnv(conv.native.models, env);
    const r = resolveConfigObject(conv.native, { source: file, format: 'litellm', origin, warnings: conv.warnings, earlier: early });
    if ('issues' in r) throw new ProxyConfigError(file, withoutEcho(r.issues, early));
    if (early.length) throw new ProxyConfigError(file, inFileOrder(early));
    return r.config;
  }
  const origin: Origin = { path: (p) => p, locate };
  const { value, missing } = interpolate(data ?? {}, env);
  if (value && typeof value === 'object' && 'models' in value) (value as { models: unknown }).models = applyProviderEnv((value as { models: unknown }).models, env);
  const earlier = missingIssues(origin, missing, true);
  const r = resolveConfigObject(value, { source: file, origin, earlier });
  if ('issues' in r) throw new ProxyConfigError(file, withoutEcho(r.issues, earlier));
  if (earlier.length) throw new ProxyConfigError(file, earlier);
  return r.config;
}

/** Parses config text (YAML or JSON, native or LiteLLM). */
export function parseProxyConfig(text: string, file: string, options: LoadOptions = {}): ProxyConfig {
  const { data, locate } = parseSource(file, text);
  return resolveParsed(data, file, locate, options.env ?? process.env, options);
}

/** Reads and resolves a config file. */
export async function loadProxyConfig(file: string, options: LoadOptions = {}): Promise<ProxyConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ProxyConfigError(file, [{ path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${(err as Error).message})` }]);
  }
  return parseProxyConfig(text, file, options);
}

/** A config given as an object in code (native or LiteLLM shape); interpolated like a file. */
export function proxyConfigFromObject(raw: unknown, options: LoadOptions & { source?: string } = {}): ProxyConfig {
  return resolveParsed(raw, options.source ?? 'config', () => undefined, options.env ?? process.env, options);
}
