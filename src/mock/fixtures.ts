/**
 * Replay of recorded provider responses (see test/fixtures/providers/README.md):
 * `<family>/<name>.json` is a whole body, `<name>.chunks.txt` one stream event payload per line,
 * `<name>.sse` a raw SSE transcript, `<name>.error.json` an error body. Streams are framed in
 * the family's wire format: OpenAI-compatible families as `data:` lines plus `data: [DONE]`,
 * Anthropic as named events, Google as `data:` lines, Bedrock as event-stream messages.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DialectName } from './scenario/schema.js';
import type { WireEvent } from './wire/framing.js';

/** Which wire a fixture family speaks. */
export const FIXTURE_FAMILIES: Record<string, DialectName> = {
  openai: 'openai',
  azure: 'azure',
  groq: 'openai',
  mistral: 'openai',
  deepseek: 'openai',
  'openai-compatible': 'openai',
  anthropic: 'anthropic',
  google: 'gemini',
  gemini: 'gemini',
  bedrock: 'bedrock',
};

export type FixtureAnswer =
  | { kind: 'body'; file: string; status: number; contentType: string; body: Buffer }
  | { kind: 'events'; file: string; dialect: DialectName; events: WireEvent[] }
  | { kind: 'failed'; file: string; message: string };

export interface FixtureRequest {
  stream: boolean;
  /** Serve the (error) body with this status, whatever the request. */
  status?: number;
}

export async function loadFixture(root: string, ref: string, request: FixtureRequest): Promise<FixtureAnswer> {
  const [family = '', name = ''] = ref.split('/');
  const dialect = FIXTURE_FAMILIES[family];
  const base = join(root, family, name);
  if (!dialect) return { kind: 'failed', file: base, message: `unknown fixture family "${family}" (known: ${Object.keys(FIXTURE_FAMILIES).join(', ')})` };
  if (request.status !== undefined) {
    const errorFile = `${base}.error.json`;
    const body = (await readOptional(errorFile)) ?? (await readOptional(`${base}.json`));
    if (!body) return missing(`${base}.error.json (or ${base}.json)`);
    return { kind: 'body', file: errorFile, status: request.status, contentType: 'application/json', body };
  }
  if (!request.stream) {
    const file = `${base}.json`;
    const body = await readOptional(file);
    return body ? { kind: 'body', file, status: 200, contentType: 'application/json', body } : missing(file);
  }
  const chunksFile = `${base}.chunks.txt`;
  const chunks = await readOptional(chunksFile);
  if (chunks) {
    try {
      return { kind: 'events', file: chunksFile, dialect, events: linesToEvents(dialect, chunks.toString('utf8')) };
    } catch (err) {
      return { kind: 'failed', file: chunksFile, message: (err as Error).message };
    }
  }
  const sseFile = `${base}.sse`;
  const sse = await readOptional(sseFile);
  if (sse) return { kind: 'body', file: sseFile, status: 200, contentType: 'text/event-stream; charset=utf-8', body: sse };
  return missing(`${chunksFile} (or ${sseFile})`);
}

function missing(file: string): FixtureAnswer {
  return { kind: 'failed', file, message: `fixture not found: ${file}` };
}

async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function linesToEvents(dialect: DialectName, text: string): WireEvent[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const json = (line: string, n: number): Record<string, unknown> => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`fixture line ${n + 1} is not JSON`);
    }
  };
  switch (dialect) {
    case 'anthropic':
      return lines.map((line, n) => ({ type: String(json(line, n).type), data: line }));
    case 'bedrock':
      return lines.map((line, n) => {
        const [type, data] = Object.entries(json(line, n))[0] ?? [];
        if (!type) throw new Error(`fixture line ${n + 1} has no event key`);
        return { type, data };
      });
    case 'gemini':
      return lines.map((line) => ({ data: line }));
    default:
      return [...lines.map((line) => ({ data: line })), { data: '[DONE]' }];
  }
}
