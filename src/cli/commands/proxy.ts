import type { Command } from '../main.js';

// Placeholder until the proxy command lands.
export const command: Command = {
  summary: 'proxy',
  async run(): Promise<number> {
    console.error('tracegate proxy: not built yet');
    return 1;
  },
};
