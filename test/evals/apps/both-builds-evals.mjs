// Both builds in one process: the ESM instrumentation (from --import tracegate/register) and a
// second, CommonJS, instrumentation; evaluations recorded through each build's recordEvaluation.
// One instrumentation is active per process, so each result becomes exactly one span.
import { createRequire } from 'node:module';
import * as esmEvals from 'tracegate/evals';

const require = createRequire(import.meta.url);
const cjsEvals = require('tracegate/evals');
if (cjsEvals.recordEvaluation === esmEvals.recordEvaluation) throw new Error('expected two builds');
const { TracegateInstrumentation } = require('tracegate/instrumentation');
const second = new TracegateInstrumentation();
const outcomes = [];
for (const evals of [esmEvals, cjsEvals]) {
  const result = await evals.JsonSchemaValidation().evaluate({ response: '{}' });
  outcomes.push(evals.recordEvaluation(process.env.TRACEPARENT, result));
}
second.disable();
console.log(JSON.stringify(outcomes));
