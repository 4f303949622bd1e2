/**
 * `tracegate/register`: preload entry. `node --import tracegate/register app.mjs` or
 * `node -r tracegate/register app.js` turns tracing on from the `OTEL_*` environment variables
 * (see setup.ts) before the application runs; `OTEL_SDK_DISABLED=true` turns it off. Importing
 * it from code registers too; `register(options)` called afterwards returns that registration.
 * To register from code with options, import `register` from `tracegate/instrumentation`.
 */
import { diag } from '@opentelemetry/api';
import { envFlag } from './config.js';
import { register } from './setup.js';

export { register, getRegistration } from './setup.js';
export type { RegisterOptions, Registration } from './setup.js';

if (envFlag(process.env.OTEL_SDK_DISABLED) !== true) {
  try {
    register();
  } catch (err) {
    // A telemetry setup failure must not stop the application.
    diag.error('tracegate: register failed', err);
  }
}
