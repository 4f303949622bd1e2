/**
 * ESM only (left out of the CommonJS build): registers import-in-the-middle's loader hook, through
 * `@opentelemetry/instrumentation/hook.mjs` so the hook and the instrumentations share one copy,
 * limited to the provider SDK packages (every other module loads untouched). Must run before the
 * application's imports: `node --import tracegate/register app.mjs` does that.
 */
import * as nodeModule from 'node:module';
import { SDK_MODULES } from './sdk/index.js';

const KEY = Symbol.for('tracegate.esm-loader');

export function installEsmLoader(): boolean {
  const g = globalThis as Record<symbol, unknown>;
  if (g[KEY]) return false;
  const registerHooks = (nodeModule as { register?: (specifier: string, parentURL: string, options?: { data?: unknown }) => void }).register;
  if (typeof registerHooks !== 'function') return false;
  registerHooks('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: [...SDK_MODULES] } });
  Object.defineProperty(g, KEY, { value: true, enumerable: false });
  return true;
}
