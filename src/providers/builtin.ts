/** Registers every built-in adapter. Imported once by the router. */
import { anthropicAdapter } from './anthropic/index.js';
import { azureAdapter } from './azure.js';
import { bedrockAdapter } from './bedrock/index.js';
import { geminiAdapter } from './gemini/index.js';
import { openaiAdapter } from './openai.js';
import { openaiCompatibleAdapter, openaiCompatiblePresets } from './openai-compatible.js';
import { openaiCompletionsAdapter } from './openai-completions.js';
import { registerBuiltinProvider } from './registry.js';

for (const adapter of [openaiAdapter, azureAdapter, anthropicAdapter, geminiAdapter, bedrockAdapter, openaiCompatibleAdapter, openaiCompletionsAdapter, ...openaiCompatiblePresets]) {
  registerBuiltinProvider(adapter);
}
