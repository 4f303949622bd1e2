import type { Command } from '../main.js';

// Placeholder until the report command lands.
export const command: Command = {
  summary: 'report',
  async run(): Promise<number> {
    console.error('tracegate report: not built yet');
    return 1;
  },
};
