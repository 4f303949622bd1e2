/**
 * `tracegate/register` for ESM (`node --import tracegate/register app.mjs`): the loader hook that
 * lets the provider SDK instrumentations patch ESM imports, then the same registration as the
 * CommonJS entry (see register.ts).
 */
import { diag } from '@opentelemetry/api';
import { envFlag } from './config.js';
import { installEsmLoader } from './esm-loader.js';

export { register, getRegistration } from './register.js';
export type { RegisterOptions, Registration } from './register.js';

if (envFlag(process.env.OTEL_SDK_DISABLED) !== true) {
  try {
    installEsmLoader();
  } catch (err) {
    diag.error('tracegate: the ESM loader hook could not be registered', err);
  }
}
