// Loads the ESM and the CommonJS build of tracegate (two Router classes) and makes one call with
// each: the one instrumentation turns each call into exactly one call span.
import { createRequire } from 'node:module';
import * as esm from 'tracegate';
import shared from './support-calls.cjs';

const cjs = createRequire(import.meta.url)('tracegate');
if (cjs.Router === esm.Router) throw new Error('expected two builds');
for (const { Router } of [esm, cjs]) {
  const router = new Router(shared.routerOptions(process.env.FAKE_BASE_URL));
  await router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
  await router.close();
}
