import type { Command } from '../main.js';

// Placeholder until the eval command lands.
export const command: Command = {
  summary: 'eval',
  async run(): Promise<number> {
    console.error('tracegate eval: not built yet');
    return 1;
  },
};
