/**
 * The `tracegate` command. Each subcommand lives in `commands/<name>.ts` and is loaded only
 * when it runs, so `tracegate mock` does not load the OpenTelemetry SDK.
 */

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  mock: async () => (await import('./commands/mock.js')).command,
  proxy: async () => (await import('./commands/proxy.js')).command,
  report: async () => (await import('./commands/report.js')).command,
  eval: async () => (await import('./commands/eval.js')).command,
  demo: async () => (await import('./commands/demo.js')).command,
};

const SUMMARIES: Record<string, string> = {
  mock: 'run fake LLM providers (OpenAI, Azure, Anthropic, Gemini, Bedrock) with scripted faults',
  proxy: 'run the OpenAI-compatible proxy from a config file',
  report: 'cohort report (latency, cost, eval-fail-rate by route) from exported traces',
  eval: 'run evaluators over exported traces and add the results to the same traces',
  demo: 'the whole story on this machine: fake providers, routed calls, evals, report',
};

export function usage(): string {
  const lines = ['usage: tracegate <command> [options]', '', 'commands:'];
  for (const [name, summary] of Object.entries(SUMMARIES)) lines.push(`  ${name.padEnd(8)} ${summary}`);
  lines.push('', 'Run `tracegate <command> --help` for the options of a command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    console.log(VERSION);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`tracegate: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

export const VERSION = '0.1.0';
