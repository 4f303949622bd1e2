/**
 * A tiny scripted OpenAI-style upstream on 127.0.0.1 for the router's policy tests: each
 * request takes the next step of the script of its path prefix (`/d1/...`), so one server plays
 * several deployments. Steps: answer, status (with headers), hang, stream (with cut/stall).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Step =
  | { kind: 'ok'; text?: string; usage?: { prompt_tokens: number; completion_tokens: number }; delayMs?: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'stream'; parts?: string[]; cutAfter?: number; stallAfter?: number; delayMs?: number };

export interface Upstream {
  url(name: string): string;
  script(name: string, ...steps: Step[]): void;
  /** Default step when a script is empty. */
  fallback: Step;
  calls(name?: string): number;
  bodies(name: string): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const scripts = new Map<string, Step[]>();
  const counts = new Map<string, number>();
  const seen = new Map<string, Record<string, unknown>[]>();
  const sockets = new Set<import('node:net').Socket>();
  const state = { fallback: { kind: 'ok' } as Step };
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '/').split('/')[1] ?? '';
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw);
      } catch {
        /* ignore */
      }
      (seen.get(name) ?? seen.set(name, []).get(name)!).push(body);
      const step = scripts.get(name)?.shift() ?? state.fallback;
      const streamWanted = body.stream === true;
      respond(step, streamWanted, body, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}/v1`,
    script: (name, ...steps) => scripts.set(name, [...(scripts.get(name) ?? []), ...steps]),
    get fallback() {
      return state.fallback;
    },
    set fallback(s: Step) {
      state.fallback = s;
    },
    calls: (name) => (name === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(name) ?? 0)),
    bodies: (name) => seen.get(name) ?? [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function completion(text: string, model: string, usage = { prompt_tokens: 10, completion_tokens: 5 }) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

function respond(step: Step, streamWanted: boolean, body: Record<string, unknown>, res: http.ServerResponse): void {
  const model = String(body.model ?? 'm');
  switch (step.kind) {
    case 'hang':
      return;
    case 'status': {
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
      res.end(JSON.stringify(step.body ?? { error: { message: `status ${step.status}`, type: 'error' } }));
      return;
    }
    case 'ok': {
      const send = (): void => {
        if (streamWanted) return streamOut(res, model, [step.text ?? 'hello'], undefined, undefined, 0, step.usage);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(completion(step.text ?? 'hello', model, step.usage)));
      };
      if (step.delayMs) setTimeout(send, step.delayMs);
      else send();
      return;
    }
    case 'stream':
      return streamOut(res, model, step.parts ?? ['hel', 'lo'], step.cutAfter, step.stallAfter, step.delayMs ?? 0);
  }
}

function streamOut(
  res: http.ServerResponse,
  model: string,
  parts: string[],
  cutAfter: number | undefined,
  stallAfter: number | undefined,
  delayMs: number,
  usage = { prompt_tokens: 10, completion_tokens: 5 },
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  const events: string[] = [chunk({ role: 'assistant', content: '' })];
  for (const p of parts) events.push(chunk({ content: p }));
  events.push(chunk({}, 'stop'));
  events.push(
    `data: ${JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}\n\n`,
  );
  events.push('data: [DONE]\n\n');
  let i = 0;
  const next = (): void => {
    if (cutAfter !== undefined && i === cutAfter + 1) {
      res.socket?.destroy();
      return;
    }
    if (stallAfter !== undefined && i === stallAfter + 1) return;
    if (i >= events.length) {
      res.end();
      return;
    }
    res.write(events[i++]);
    if (delayMs) setTimeout(next, delayMs);
    else setImmediate(next);
  };
  next();
}
