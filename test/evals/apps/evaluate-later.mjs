// A separate evaluator process: it knows only the answer's traceparent and text.
// Run with: node --import tracegate/register evaluate-later.mjs (ESM register), while the
// evaluators come from the CommonJS build: both builds share the evaluation channel.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { JsonSchemaValidation, recordEvaluation } = require('tracegate/evals');

const evaluator = JsonSchemaValidation({ schema: { type: 'object', required: ['order_id', 'status'] } });
const result = await evaluator.evaluate({ response: process.env.ANSWER ?? '' });
const outcome = recordEvaluation(process.env.TRACEPARENT, result);
console.log(JSON.stringify({ outcome, passed: result.passed }));
