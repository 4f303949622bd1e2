// recordEvaluation with answers of the official SDKs (see evaluation.test.ts).
'use strict';
const OpenAI = require('openai');
const Anthropic = require('@anthropic-ai/sdk');
const { recordEvaluation } = require('tracegate/evals');

const mockUrl = process.env.MOCK_URL;
const openai = new OpenAI({ apiKey: 'sk-test-openai-secret-1234', baseURL: `${mockUrl}/v1`, maxRetries: 0 });
const anthropic = new (Anthropic.default ?? Anthropic)({ apiKey: 'sk-ant-test-secret-1234', baseURL: mockUrl, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Hi' }];
const result = (name, score) => ({ name, score, label: score >= 0.5 ? 'pass' : 'fail', passed: score >= 0.5, threshold: 0.5 });

(async () => {
  const out = {};
  const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
  out.completion = recordEvaluation(completion, result('openai_completion', 1));
  const message = await anthropic.messages.create({ model: 'claude-3-5-haiku-20241022', max_tokens: 64, messages });
  out.message = recordEvaluation(message, result('anthropic_message', 0));
  // A copy (JSON round trip) is found by its response id.
  out.copy = recordEvaluation(JSON.parse(JSON.stringify(completion)), result('openai_copy', 0.75));
  console.log(JSON.stringify({ out, ids: { completion: completion.id, message: message.id } }));
})();
