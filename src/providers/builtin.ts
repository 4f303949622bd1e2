/** Registers every built-in adapter. Imported once by the router. */
import { openaiAdapter } from './openai.js';
import { openaiCompatibleAdapter, openaiCompatiblePresets } from './openai-compatible.js';
import { registerProvider } from './registry.js';

for (const adapter of [openaiAdapter, openaiCompatibleAdapter, ...openaiCompatiblePresets]) registerProvider(adapter);
