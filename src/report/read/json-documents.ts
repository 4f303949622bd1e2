/**
 * Reads a file of JSON documents, streaming: one document per line (JSON lines), read line by line
 * so memory does not grow with the file; or, when the first line is not JSON by itself but the file
 * is one pretty-printed document (up to `MAX_WHOLE_FILE_BYTES`), the whole file. A line that is not
 * JSON, or that the handler rejects, is counted and skipped; the first few are kept with their line
 * number. Throws `ReportInputError` when the file is missing or not one line could be used.
 */
import { promises as fsp } from 'node:fs';
import { ReportInputError } from '../errors.js';
import { readFileLines } from './lines.js';
import { NO_PROGRESS, type Progress } from './progress.js';

export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;
const BAD_LINE_SAMPLES = 5;

export interface BadLine {
  line: number;
  message: string;
}

export interface DocumentStats {
  file: string;
  bytes: number;
  lines: number;
  /** Documents the handler accepted. */
  documents: number;
  badLines: number;
  badLineSamples: BadLine[];
  /** The file was one JSON document. */
  wholeFile: boolean;
}

/** Takes one parsed document; returns an error message to count the line as bad. */
export type DocumentHandler = (doc: unknown) => string | undefined;

export interface ReadDocumentsOptions {
  progress?: (total: number) => Progress;
  /** Names the file in errors ("traces file", "evaluations file"). */
  what?: string;
}

function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 160 ? `${msg.slice(0, 157)}...` : msg;
}

async function statFile(file: string, what: string): Promise<number> {
  let st;
  try {
    st = await fsp.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReportInputError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : errorText(err)}`, file);
  }
  if (!st.isFile()) throw new ReportInputError(`${what} ${file} is not a file`, file);
  return st.size;
}

function bad(stats: DocumentStats, line: number, message: string): void {
  stats.badLines++;
  if (stats.badLineSamples.length < BAD_LINE_SAMPLES) stats.badLineSamples.push({ line, message });
}

function handleLine(stats: DocumentStats, lineNo: number, text: string, handler: DocumentHandler): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    bad(stats, lineNo, `not JSON: ${errorText(err)}`);
    return;
  }
  const problem = handler(doc);
  if (problem) bad(stats, lineNo, problem);
  else stats.documents++;
}

export async function readJsonDocuments(file: string, handler: DocumentHandler, options: ReadDocumentsOptions = {}): Promise<DocumentStats> {
  const what = options.what ?? 'file';
  const size = await statFile(file, what);
  const progress = options.progress?.(size) ?? NO_PROGRESS;
  const stats: DocumentStats = { file, bytes: size, lines: 0, documents: 0, badLines: 0, badLineSamples: [], wholeFile: false };
  let tryWhole = false;
  try {
    let read = 0;
    let first = true;
    for await (const line of readFileLines(file, (n) => progress.update((read += n)))) {
      stats.lines++;
      const text = line.trim();
      if (!text) continue;
      if (first) {
        first = false;
        if ((text.startsWith('{') || text.startsWith('[')) && size <= MAX_WHOLE_FILE_BYTES && !parses(text)) {
          tryWhole = true;
          break;
        }
      }
      handleLine(stats, stats.lines, text, handler);
    }
  } catch (err) {
    progress.done();
    throw new ReportInputError(`cannot read ${what} ${file}: ${errorText(err)}`, file);
  }
  if (tryWhole) {
    const text = await fsp.readFile(file, 'utf8');
    progress.update(size);
    let doc: unknown;
    let wholeError: string | undefined;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      wholeError = errorText(err);
    }
    const lines = text.split('\n');
    stats.lines = lines.length;
    if (wholeError === undefined) {
      const problem = handler(doc);
      progress.done();
      if (problem) throw new ReportInputError(`${what} ${file}: ${problem}`, file, 1);
      stats.documents = 1;
      stats.wholeFile = true;
      return stats;
    }
    // Not one document after all: read it as lines (the first line is bad).
    lines.forEach((line, i) => {
      const t = line.trim();
      if (t) handleLine(stats, i + 1, t, handler);
    });
  }
  progress.done();
  if (stats.documents === 0 && stats.badLines > 0) {
    const first = stats.badLineSamples[0]!;
    throw new ReportInputError(`${what} ${file} has no usable line: line ${first.line}: ${first.message}`, file, first.line);
  }
  return stats;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
