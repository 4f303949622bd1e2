/**
 * Loading a proxy config: read the file, parse YAML/JSON keeping positions, tell LiteLLM's
 * format (it has `model_list`) from the native one, interpolate `${ENV}` / `os.environ/NAME`,
 * validate, resolve. Every problem is one ProxyConfigError listing file:line, path and message.
 */
import { readFile } from 'node:fs/promises';
import { interpolate, type MissingVariable } from './interpolate.js';
import { convertLiteLLM, isLiteLLMConfig } from './litellm.js';
import { issueAt, resolveConfigObject, type Origin, type ProxyConfig } from './resolve.js';
import { formatConfigPath, parseConfigPath, parseSource, ProxyConfigError, type ConfigIssue, type Locator } from './source.js';

export interface LoadOptions {
  /** Environment for interpolation (default `process.env`). */
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

/** Resolves the parsed contents of a config file (either format). */
export function resolveParsed(data: unknown, file: string, locate: Locator, env: NodeJS.ProcessEnv): ProxyConfig {
  if (isLiteLLMConfig(data)) {
    const conv = convertLiteLLM(data, env);
    const origin: Origin = { path: conv.origin, locate };
    const early = [...withLines(conv.issues, locate), ...missingIssues(origin, conv.missing, false)];
    if (early.length) throw new ProxyConfigError(file, early);
    const r = resolveConfigObject(conv.native, { source: file, format: 'litellm', origin, warnings: conv.warnings });
    if ('issues' in r) throw new ProxyConfigError(file, r.issues);
    return r.config;
  }
  const origin: Origin = { path: (p) => p, locate };
  const { value, missing } = interpolate(data ?? {}, env);
  if (missing.length) throw new ProxyConfigError(file, missingIssues(origin, missing, true));
  const r = resolveConfigObject(value, { source: file, origin });
  if ('issues' in r) throw new ProxyConfigError(file, r.issues);
  return r.config;
}

/** Parses config text (YAML or JSON, native or LiteLLM). */
export function parseProxyConfig(text: string, file: string, options: LoadOptions = {}): ProxyConfig {
  const { data, locate } = parseSource(file, text);
  return resolveParsed(data, file, locate, options.env ?? process.env);
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
  return resolveParsed(raw, options.source ?? 'config', () => undefined, options.env ?? process.env);
}
