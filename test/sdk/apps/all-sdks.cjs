// node -r tracegate/register test/sdk/apps/all-sdks.cjs  (MOCK_URL set)
'use strict';
const api = require('@opentelemetry/api');
const Anthropic = require('@anthropic-ai/sdk');
const bedrock = require('@aws-sdk/client-bedrock-runtime');
const { GoogleGenAI } = require('@google/genai');
const OpenAI = require('openai');
const { getRegistration } = require('tracegate/register');
const cases = require('./sdk-cases.cjs');

cases
  .run({ api, sdks: { OpenAI, Anthropic: Anthropic.default ?? Anthropic, GoogleGenAI, bedrock }, getRegistration, mockUrl: process.env.MOCK_URL })
  .then((outcomes) => console.log(JSON.stringify(outcomes)));
