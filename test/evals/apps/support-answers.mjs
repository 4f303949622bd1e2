// Produces answers with tracing on and content captured, as a support service would.
// Run with: node --import tracegate/register support-answers.mjs (OTEL_TRACES_EXPORTER=file).
import { Router } from 'tracegate';

const base = process.env.FAKE_BASE_URL;
const router = new Router({
  models: [
    { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-fake-key-for-tests-000', baseURL: base },
    { name: 'support-accurate', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-fake-key-for-tests-000', baseURL: base },
  ],
});
const context = 'Order 42 shipped on May 3. Returns are accepted within 30 days.';
const asks = [
  ['support-fast', 'Order 42 as JSON'],
  ['support-fast', 'Order 42 as JSON'],
  ['support-accurate', 'When did order 42 ship?'],
];
for (const [model, question] of asks) {
  await router.chat.completions.create({ model, messages: [{ role: 'system', content: context }, { role: 'user', content: question }] });
}
await router.close();
