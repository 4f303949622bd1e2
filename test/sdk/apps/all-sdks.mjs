// node --import tracegate/register test/sdk/apps/all-sdks.mjs  (MOCK_URL set)
import * as api from '@opentelemetry/api';
import Anthropic from '@anthropic-ai/sdk';
import * as bedrock from '@aws-sdk/client-bedrock-runtime';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { getRegistration } from 'tracegate/register';
import cases from './sdk-cases.cjs';

const outcomes = await cases.run({ api, sdks: { OpenAI, Anthropic, GoogleGenAI, bedrock }, getRegistration, mockUrl: process.env.MOCK_URL });
console.log(JSON.stringify(outcomes));
