/** OpenInference `llm.system` values: the AI product (Bedrock: the model's family), `LLMSystem` values only. */
import { describe, expect, it } from 'vitest';
import { openInferenceSystem } from '../../instrumentations/provider-names.js';

describe('openInferenceSystem', () => {
  it.each([
    ['openai', 'gpt-4o', 'openai'],
    ['azure.ai.openai', 'gpt-4o', 'openai'],
    ['anthropic', 'claude-haiku-4-5', 'anthropic'],
    ['gcp.gemini', 'gemini-2.5-flash', 'vertexai'],
    ['gcp.vertex_ai', 'gemini-2.5-flash', 'vertexai'],
    ['aws.bedrock', 'anthropic.claude-3-haiku-20240307-v1:0', 'anthropic'],
    ['aws.bedrock', 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'anthropic'],
    ['aws.bedrock', 'amazon.nova-lite-v1:0', 'amazon'],
    ['aws.bedrock', 'meta.llama3-1-8b-instruct-v1:0', 'meta'],
    ['aws.bedrock', 'mistral.mistral-large-2402-v1:0', 'mistralai'],
    ['aws.bedrock', 'cohere.command-r-v1:0', 'cohere'],
    ['aws.bedrock', 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/x', 'amazon'],
  ])('%s %s → %s', (genAi, model, system) => {
    expect(openInferenceSystem(genAi, model)).toBe(system);
  });

  it('no value outside LLMSystem for a provider without one', () => {
    expect(openInferenceSystem('groq', 'llama-3.1-8b-instant')).toBeUndefined();
  });
});
