// Runs every bench script in turn (each writes its figures to bench/results/<name>.json).
// `npm run bench` builds first. Pass names to run only some: `node bench/run.mjs router-baseline proxy-overhead`.
// Every bench sends traffic only to 127.0.0.1 and is bounded in count and time.
import { spawnSync } from 'node:child_process';

const ALL = [
  'router-baseline',
  'router-overhead',
  'provider-decoders',
  'instrumentation-overhead',
  'sdk-overhead',
  'evals',
  'proxy-overhead',
  'report-1m',
  'redis-store',
  'semantic-cache',
];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of chosen) {
  if (!ALL.includes(name)) {
    console.error(`unknown bench "${name}" (known: ${ALL.join(', ')})`);
    process.exit(2);
  }
  console.log(`\n=== bench/${name}.mjs`);
  const r = spawnSync(process.execPath, [new URL(`./${name}.mjs`, import.meta.url).pathname], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench/${name}.mjs exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);
