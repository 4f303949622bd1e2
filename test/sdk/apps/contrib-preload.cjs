// Registers @opentelemetry/instrumentation-openai (contrib) as a preload, before or after tracegate/register.
'use strict';
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');

registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()] });
