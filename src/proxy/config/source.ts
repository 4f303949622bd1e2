/**
 * A config file's text parsed as YAML (JSON is YAML) with the positions of its nodes kept, so an
 * error at a path (`models[1].provider`) can name the line it comes from, and the error type
 * every config problem is reported with: file, line, path, message.
 */
import type { Document, LineCounter } from 'yaml';
import { ConfigError } from '../../errors.js';
import { loadSync } from '../../load-sync.js';
import type { ConfigPath } from './interpolate.js';

export interface ConfigIssue {
  /** `models[1].provider`; empty for the whole file. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

/** Invalid proxy configuration: every issue names the file, the line and the path. */
export class ProxyConfigError extends ConfigError {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];
  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(`invalid proxy config ${file}:\n${issues.map((i) => `  ${formatIssue(file, i)}`).join('\n')}`);
    this.file = file;
    this.issues = issues;
  }
}

function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line !== undefined ? `${file}:${issue.line}` : file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** `['models', 1, 'provider']` → `models[1].provider`. */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

/** `models[1].provider` → `['models', 1, 'provider']` (keys containing dots stay whole when they exist). */
export function parseConfigPath(text: string): ConfigPath {
  const out: ConfigPath = [];
  for (const part of text.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    out.push(part.startsWith('[') ? Number(part.slice(1, -1)) : part);
  }
  return out;
}

/** Finds the line of the deepest node of `path` present in the file. */
export type Locator = (path: ConfigPath) => number | undefined;

export interface ParsedSource {
  file: string;
  data: unknown;
  locate: Locator;
}

/** Parses YAML/JSON text; syntax errors become a ProxyConfigError with their line. */
/** yaml, loaded by the first config parsed from text (a proxy built from an object never loads it). */
const yaml = () => loadSync<typeof import('yaml')>('yaml');

export function parseSource(file: string, text: string): ParsedSource {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) {
    throw new ProxyConfigError(
      file,
      doc.errors.slice(0, 5).map((e) => ({ path: '', message: `not valid YAML/JSON: ${e.message.split('\n')[0]}`, ...(e.linePos ? { line: e.linePos[0].line } : {}) })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ProxyConfigError(file, [{ path: '', message: `not valid YAML/JSON: ${(err as Error).message}` }]);
  }
  if (data && typeof data === 'object' && !Array.isArray(data) && 'model_list' in data) return parseYaml11(file, text);
  return { file, data, locate: locator(doc, lineCounter) };
}

/**
 * LiteLLM's files are read as PyYAML reads them: YAML 1.1, where `20_000` is a number and `True`,
 * `yes`, `on` are booleans.
 */
function parseYaml11(file: string, text: string): ParsedSource {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.1' });
  let data: unknown;
  try {
    data = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
  } catch {
    data = undefined;
  }
  if (data === undefined) throw new ProxyConfigError(file, [{ path: '', message: 'not valid YAML 1.1 (as LiteLLM reads its config)' }]);
  return { file, data, locate: locator(doc, lineCounter) };
}

function locator(doc: Document, lines: LineCounter): Locator {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && Array.isArray(node.range)) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
}
