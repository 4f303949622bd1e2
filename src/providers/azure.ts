/**
 * Azure OpenAI (`provider: 'azure'`), on the OpenAI-style factory. Entry fields:
 * - `baseURL` (`https://{resource}.openai.azure.com`; a trailing `/openai` or `/openai/v1` is
 *   accepted) or `resourceName`;
 * - `deployment` (default: the entry's `model`), `apiVersion` (default 2024-10-21, the latest
 *   dated GA inference version; `v1` uses the v1 API path `/openai/v1/...`, `preview` the v1
 *   preview), `apiKey` (sent as `api-key`) or `azureADToken` (a Microsoft Entra bearer token).
 * `model` names the underlying OpenAI model: capabilities and prices come from the OpenAI catalog.
 * Content-filter errors (400 `code: content_filter`) → ContentPolicyError; `finish_reason:
 * content_filter` is kept; the first stream chunk with no choices (prompt filter results) is skipped.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { stripForeignMessageFields } from './message-fields.js';
import { isOpenAIReasoningModel } from './openai.js';
import { createOpenAIStyleAdapter } from './openai-style.js';
import { optionString, trimSlash } from './request-parts.js';
import type { Deployment } from './types.js';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

function deploymentName(d: Deployment): string {
  return optionString(d, 'deployment') ?? d.model;
}

function resourceBase(d: Deployment): string {
  const resource = optionString(d, 'resourceName');
  const base = trimSlash(d.baseURL ?? (resource ? `https://${resource}.openai.azure.com` : ''));
  return base.replace(/\/openai(\/v1)?$/, '');
}

function isV1(version: string): boolean {
  return version === 'v1' || version === 'preview';
}

export const azureAdapter = createOpenAIStyleAdapter({
  id: 'azure',
  genAiProviderName: 'azure.ai.openai',
  settings: {
    apiVersion: z.string().min(1).optional(),
    deployment: z.string().min(1).optional(),
    resourceName: z.string().min(1).optional(),
    azureADToken: z.string().min(1).optional(),
  },
  env: { apiKey: ['AZURE_API_KEY', 'AZURE_OPENAI_API_KEY'], baseURL: ['AZURE_API_BASE', 'AZURE_OPENAI_ENDPOINT'], settings: { apiVersion: ['AZURE_API_VERSION'] } },
  url(d, operation) {
    const version = optionString(d, 'apiVersion') ?? AZURE_DEFAULT_API_VERSION;
    const path = operation === 'chat' ? 'chat/completions' : 'embeddings';
    if (isV1(version)) return `${resourceBase(d)}/openai/v1/${path}${version === 'preview' ? '?api-version=preview' : ''}`;
    return `${resourceBase(d)}/openai/deployments/${encodeURIComponent(deploymentName(d))}/${path}?api-version=${encodeURIComponent(version)}`;
  },
  auth(d): Record<string, string> {
    const token = optionString(d, 'azureADToken');
    if (token) return { authorization: `Bearer ${token}` };
    return d.apiKey ? { 'api-key': d.apiKey } : {};
  },
  validate(d) {
    if (!resourceBase(d)) throw new ConfigError(`model entry "${d.id}": provider "azure" needs a baseURL or a resourceName`);
    if (!d.apiKey && !optionString(d, 'azureADToken')) throw new ConfigError(`model entry "${d.id}": provider "azure" needs an apiKey or an azureADToken`);
  },
  prepareBody(body, ctx) {
    const d = ctx.deployment;
    body.model = deploymentName(d);
    stripForeignMessageFields(body);
    if (isOpenAIReasoningModel(d.model) && body.max_tokens != null && body.max_completion_tokens == null) {
      body.max_completion_tokens = body.max_tokens;
      delete body.max_tokens;
    }
  },
  prepareEmbeddingsBody(body, ctx) {
    body.model = deploymentName(ctx.deployment);
  },
});
