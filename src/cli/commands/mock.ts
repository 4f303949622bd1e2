import type { Command } from '../main.js';

// Placeholder until the mock command lands.
export const command: Command = {
  summary: 'mock',
  async run(): Promise<number> {
    console.error('tracegate mock: not built yet');
    return 1;
  },
};
