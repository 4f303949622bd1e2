// Makes a call, says "ready", then waits: the test sends a signal. With no SIGTERM listener of
// its own, the process must flush its spans and still end by the signal.
import { Router } from 'tracegate';
import shared from './support-calls.cjs';

const router = new Router(shared.routerOptions(process.env.FAKE_BASE_URL));
await router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
if (process.env.APP_OWN_SIGTERM) {
  process.on('SIGTERM', () => {
    console.log('app handler ran');
    setTimeout(() => process.exit(0), 200);
  });
}
console.log('ready');
setInterval(() => {}, 1000);
