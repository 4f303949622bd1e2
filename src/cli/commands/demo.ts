import type { Command } from '../main.js';

// Placeholder until the demo command lands.
export const command: Command = {
  summary: 'demo',
  async run(): Promise<number> {
    console.error('tracegate demo: not built yet');
    return 1;
  },
};
