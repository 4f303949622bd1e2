/**
 * What each recorded provider response must normalize to (test/fixtures/providers/<family>/<file>):
 * text, reasoning, tool calls (arguments parsed as JSON), finish_reason and usage. Shared by the
 * adapter tests (decoding in process) and the replay tests (over HTTP through the Router).
 */
import type { Expected } from './helpers.js';

const SF = { location: 'San Francisco' };

export const EXPECTED: Record<string, Expected> = {
  'anthropic/anthropic-text.json': {
    text: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
    finish: 'stop',
    usage: { prompt: 12, completion: 29, cached: 0, cacheWrite: 0 },
  },
  'anthropic/anthropic-clear-thinking.1.json': { text: '925 ÷ 5 = 185', reasoning: '925 divided by 5 = 185', finish: 'stop', usage: { prompt: 69, completion: 33 } },
  'anthropic/anthropic-json-tool.1.json': {
    text: null,
    tools: [
      {
        name: 'json',
        id: 'toolu_01Q9ExVZnzZj7E2QQYHYtNUa',
        args: {
          elements: [
            { location: 'San Francisco', temperature: -5, condition: 'snowy' },
            { location: 'London', temperature: 0, condition: 'snowy' },
            { location: 'Paris', temperature: 23, condition: 'cloudy' },
            { location: 'Berlin', temperature: -9, condition: 'snowy' },
          ],
        },
      },
    ],
    finish: 'tool_calls',
    usage: { prompt: 1151, completion: 87 },
  },
  'anthropic/anthropic-refusal.json': { text: null, finish: 'content_filter', usage: { prompt: 18, completion: 5 } },
  'anthropic/anthropic-tool-no-args.json': { tools: [{ name: 'updateIssueList', id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', args: {} }], finish: 'tool_calls', usage: { prompt: 602, completion: 93 } },
  'anthropic/anthropic-web-fetch-tool.error.json': { finish: 'stop', usage: { prompt: 1902, completion: 214 } },
  'anthropic/anthropic-text.chunks.txt': {
    text: "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    finish: 'stop',
    usage: { prompt: 12, completion: 30, cached: 0, cacheWrite: 0 },
  },
  'anthropic/anthropic-clear-thinking.1.chunks.txt': {
    text: '925 ÷ 5 = 185',
    reasoning: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
    finish: 'stop',
    usage: { prompt: 69, completion: 53 },
  },
  'anthropic/anthropic-json-tool.1.chunks.txt': {
    text: null,
    tools: [{ name: 'json', id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA', args: { elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] } }],
    finish: 'tool_calls',
    usage: { prompt: 849, completion: 47 },
  },
  'anthropic/anthropic-json-tool.2.chunks.txt': {
    text: "I'll invoke the JSON response tool.",
    tools: [{ name: 'json', args: { elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] } }],
    finish: 'tool_calls',
    usage: { prompt: 849, completion: 47 },
  },
  'anthropic/anthropic-message-delta-input-tokens.chunks.txt': { text: 'pong', finish: 'stop', usage: { prompt: 61, completion: 2 } },
  'anthropic/anthropic-refusal.chunks.txt': { text: null, finish: 'content_filter', usage: { prompt: 18, completion: 5 } },
  'anthropic/anthropic-tool-no-args.chunks.txt': {
    text: "I'll update the issue list for you.",
    tools: [{ name: 'updateIssueList', id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', args: {} }],
    finish: 'tool_calls',
    usage: { prompt: 565, completion: 48 },
  },
  'anthropic/duplicate-message-start.chunks.txt': { text: 'Hello, World!', finish: 'stop', usage: { prompt: 17, completion: 227 } },
  'anthropic/anthropic-code-execution-20260120-prompt-cache.1.chunks.txt': {
    text: 'The sum of the squares of the numbers 1 through 12 is **650**.',
    finish: 'stop',
    usage: { prompt: 6 + 6289 + 3337, completion: 198, cached: 6289, cacheWrite: 3337 },
  },
  'google/google-text.json': {
    text: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
    finish: 'stop',
    usage: { prompt: 9, completion: 28 + 244, total: 281, reasoning: 244 },
  },
  'google/google-reasoning.json': {
    text: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
    finish: 'stop',
    usage: { prompt: 9, completion: 29 + 282, total: 320, reasoning: 282 },
  },
  'google/google-tool-call.json': { text: null, tools: [{ name: 'weather', args: SF }], finish: 'tool_calls', usage: { prompt: 29, completion: 15 + 893, total: 937, reasoning: 893 } },
  'google/google-tool-call-gemini3.json': { text: null, tools: [{ name: 'weather', args: SF }], finish: 'tool_calls', usage: { prompt: 29, completion: 15 + 1801, total: 1845, reasoning: 1801 } },
  'google/google-text.chunks.txt': { text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y', finish: 'stop', usage: { prompt: 9, completion: 23 + 185, total: 217, reasoning: 185 } },
  'google/google-reasoning.chunks.txt': {
    text: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
    finish: 'stop',
    usage: { prompt: 9, completion: 29 + 256, total: 294, reasoning: 256 },
  },
  'google/google-tool-call.chunks.txt': { tools: [{ name: 'weather', args: SF }], finish: 'tool_calls', usage: { prompt: 29, completion: 60, total: 89, reasoning: 45 } },
  'google/google-stream-tool-call-arguments.chunks.txt': {
    text: null,
    tools: [
      { name: 'getWeather', args: { location: 'Boston' } },
      { name: 'getWeather', args: SF },
    ],
    finish: 'tool_calls',
    usage: { prompt: 26, completion: 23 + 132, total: 181, reasoning: 132 },
  },
  'bedrock/amazon-bedrock-text.json': {
    text: 'Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** "r"s in "strawberry."',
    finish: 'stop',
    usage: { prompt: 22, completion: 57, total: 79, cached: 0, cacheWrite: 0 },
  },
  'bedrock/amazon-bedrock-reasoning.json': {
    text: 'There are **3** r\'s in "strawberry":\n\n1. st**r**awbe**r****r**y',
    reasoning: 'Let me count the r\'s in "strawberry":\n\ns-t-r-a-w-b-e-r-r-y\n\nThere are 3 r\'s.',
    finish: 'stop',
    usage: { prompt: 51, completion: 78, total: 129 },
  },
  'bedrock/amazon-bedrock-tool-call.1.json': { text: null, tools: [{ name: 'bash', id: 'tool-use-id', args: { command: 'ls -l' } }], finish: 'tool_calls', usage: { prompt: 10, completion: 20 } },
  'bedrock/amazon-bedrock-tool-no-args.json': {
    text: "I'll update the issue list for you.",
    tools: [{ name: 'updateIssueList', id: 'tool-use-id', args: {} }],
    finish: 'tool_calls',
    usage: { prompt: 100, completion: 25 },
  },
  'bedrock/amazon-bedrock-text.chunks.txt': {
    text: 'Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** r\'s in "strawberry."',
    finish: 'stop',
    usage: { prompt: 22, completion: 55, total: 77 },
  },
  'bedrock/amazon-bedrock-reasoning.chunks.txt': {
    text: 'There are **3** r\'s in "strawberry":\n\n1. st**r**awbe**r****r**y',
    reasoning: 'Let me count the r\'s in "strawberry":\n\ns-t-r-a-w-b-e-r-r-y\n\nr appears at positions 3, 8, and 9.\n\nSo there are 3 r\'s.',
    finish: 'stop',
    usage: { prompt: 51, completion: 94, total: 145 },
  },
  'bedrock/amazon-bedrock-tool-call.1.chunks.txt': { text: null, tools: [{ name: 'test-tool', id: 'tool-use-id', args: { value: 'Sparkle Day' } }], finish: 'tool_calls', usage: { prompt: 125, completion: 45 } },
  'openai/azure-model-router.1.chunks.txt': { text: 'Capital of Denmark.', finish: 'stop', usage: { prompt: 15, completion: 78, total: 93, cached: 0, reasoning: 64 } },
  'openai/openai-text.json': { finish: 'stop', usage: { prompt: 16, completion: 363, cached: 0, reasoning: 0 } },
  'groq/groq-tool-call.json': { text: null, tools: [{ name: 'weather', id: 'ax9fskhev', args: {} }], finish: 'tool_calls', usage: { prompt: 218, completion: 15 } },
  'mistral/mistral-text.json': { finish: 'stop', usage: { prompt: 13, completion: 434 } },
  'mistral/mistral-tool-call.json': { tools: [{ name: 'weather', id: 'gSIMJiOkT', args: { location: 'San Francisco' } }], finish: 'tool_calls', usage: { prompt: 124, completion: 22 } },
  'deepseek/deepseek-tool-call.json': { text: '', tools: [{ name: 'weather', args: { location: 'San Francisco' } }], finish: 'tool_calls' },
  'deepseek/deepseek-json.json': { finish: 'stop', usage: { prompt: 495, completion: 144, cached: 320, reasoning: 118 } },
  'openai/openai-text.chunks.txt': { finish: 'stop', usage: { prompt: 16, completion: 300, cached: 0 } },
  'groq/groq-tool-call.chunks.txt': { text: null, tools: [{ name: 'weather', id: 'tk85n1k4m', args: {} }], finish: 'tool_calls', usage: { prompt: 210, completion: 15 } },
  'mistral/mistral-text.chunks.txt': { text: 'Hello, world! This is a test response.', finish: 'stop', usage: { prompt: 13, completion: 8 } },
  'mistral/mistral-tool-call.chunks.txt': { text: '', tools: [{ name: 'weather', id: 'gSIMJiOkT', args: { location: 'San Francisco' } }], finish: 'tool_calls', usage: { prompt: 124, completion: 22 } },
  'deepseek/deepseek-tool-call.chunks.txt': { tools: [{ name: 'weather', args: { location: 'San Francisco' } }], finish: 'tool_calls', usage: { prompt: 339, completion: 83, cached: 320, reasoning: 39 } },
};

/** The expectations of one family and file kind (`.json` or `.chunks.txt`), keyed by file name. */
export function expectedFor(family: string, suffix: '.json' | '.chunks.txt'): [string, Expected][] {
  return Object.entries(EXPECTED)
    .filter(([k]) => k.startsWith(`${family}/`) && k.endsWith(suffix))
    .map(([k, v]) => [k.slice(family.length + 1), v]);
}
