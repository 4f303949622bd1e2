// Calls process.exit() right after a call: the batch is written synchronously at exit.
import { Router } from 'tracegate';
import shared from './support-calls.cjs';

const router = new Router(shared.routerOptions(process.env.FAKE_BASE_URL));
await router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
process.exit(0);
