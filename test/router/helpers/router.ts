import { Router } from '../../../src/index.js';
import type { RouterOptions } from '../../../src/router/config.js';
import type { Upstream } from './upstream.js';

/** Model entries named `<alias>` pointing at `/<name>` paths of the upstream. */
export function entries(up: Upstream, alias: string, names: string[], extra: Record<string, unknown> = {}): RouterOptions['models'] {
  return names.map((name) => ({
    name: alias,
    id: name,
    provider: 'openai-compatible',
    model: `model-${name}`,
    baseURL: up.url(name),
    apiKey: 'sk-test-secret-123456',
    price: { input: 1, output: 2 },
    ...extra,
  }));
}

export const FAST = {
  retry: { initialBackoffMs: 20, maxBackoffMs: 40 },
  timeouts: { connectMs: 500, firstTokenMs: 800, idleMs: 300, totalMs: 5000 },
} satisfies Partial<RouterOptions>;

export function makeRouter(options: RouterOptions): Router {
  return new Router(options);
}

export const hi = { model: 'a', messages: [{ role: 'user' as const, content: 'hi' }] };
