#!/usr/bin/env node
'use strict';
// The `tracegate` command. Runs the CommonJS build; `npm run build` makes it.
let main;
try {
  ({ main } = require('../dist/cjs/src/cli/main.js'));
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    console.error('tracegate: the build is missing; run `npm run build` first.');
    process.exit(1);
  }
  throw err;
}
main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(`tracegate: ${err && err.message ? err.message : err}`); process.exitCode = 1; },
);
