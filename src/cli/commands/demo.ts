/**
 * `tracegate demo` (foundation version): starts fake providers, routes a few calls through two
 * aliases, and prints what happened. The full demo (traces, evaluations, report) replaces it.
 */
import { getCallInfo } from '../../call-info.js';
import { isTracegateError } from '../../errors.js';
import { startMockServer } from '../../mock/index.js';
import { Router } from '../../router/router.js';
import type { Command } from '../main.js';

export const command: Command = {
  summary: 'the whole story on this machine',
  async run(argv: string[]): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log('usage: tracegate demo\n\nStarts fake providers on 127.0.0.1, routes calls through two aliases and prints the outcome.');
      return 0;
    }
    const mock = await startMockServer({
      scenario: {
        seed: 7,
        rules: [
          { match: { model: 'gpt-4o-mini' }, faults: [{ probability: 0.2, kind: 'rate_limit', retryAfterMs: 100 }] },
          { match: { model: 'gpt-4o' }, reply: { text: 'A careful, accurate answer.' } },
        ],
      },
    });
    const router = new Router({
      models: [
        { name: 'support-fast', provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-demo-not-a-real-key', baseURL: mock.baseURL('openai') },
        { name: 'support-accurate', provider: 'openai', model: 'gpt-4o', apiKey: 'sk-demo-not-a-real-key', baseURL: mock.baseURL('openai') },
      ],
    });
    try {
      for (const alias of ['support-fast', 'support-accurate']) {
        for (let i = 0; i < 5; i++) {
          try {
            const c = await router.chat.completions.create({ model: alias, messages: [{ role: 'user', content: `Question ${i}: where is my order?` }] });
            const info = getCallInfo(c)!;
            console.log(`${alias.padEnd(17)} ok     ${info.deployment?.provider}/${info.deployment?.model} ${Math.round(info.latencyMs)} ms  $${info.cost?.total ?? '?'}  ${c.choices[0]?.message.content}`);
          } catch (err) {
            console.log(`${alias.padEnd(17)} error  ${isTracegateError(err) ? `${err.name} (${err.status})` : String(err)}`);
          }
        }
      }
      console.log(`\nfake providers answered ${mock.count()} calls at ${mock.url}`);
      return 0;
    } finally {
      await router.close();
      await mock.close();
    }
  },
};
