/**
 * AWS Bedrock Runtime adapter (`provider: 'bedrock'`): Converse, ConverseStream (AWS event-stream
 * framing) and InvokeModel for embeddings. Entry fields: `region`, `accessKeyId`,
 * `secretAccessKey`, `sessionToken` (or the AWS_* environment variables), or `apiKey` for a
 * Bedrock API key; `baseURL` (default https://bedrock-runtime.{region}.amazonaws.com). Requests
 * are signed with SigV4 (service `bedrock`) over the exact bytes and the URL-encoded model id.
 */
import '../../http/eventstream.js';
import { ConfigError } from '../../errors.js';
import { z } from 'zod';
import type { ChatCompletionCreateParams } from '../../wire/chat-request.js';
import type { EmbeddingCreateParams } from '../../wire/embeddings.js';
import { RequestState, trimSlash, unsupportedShapeParams } from '../request-parts.js';
import type { AdapterContext, Deployment, HttpRequestSpec, ProviderAdapter } from '../types.js';
import { chainCredentials, usesCredentialChain } from './credential-chain.js';
import { resolveBearerToken, resolveCredentials, resolveRegion } from './credentials.js';
import { decodeBedrockEmbeddings, encodeBedrockEmbeddings } from './embeddings.js';
import { classifyBedrockError } from './errors.js';
import { decodeConverseResponse } from './response.js';
import { BedrockStreamDecoder } from './stream.js';
import type { AwsCredentials } from './sigv4.js';
import { lazyPart } from '../lazy-part.js';

const state = new RequestState<{ jsonTool?: string }>();

/** The Converse request encoder and the SigV4 signer, loaded when the first Bedrock deployment is built (lazy-part.ts). */
const encoder = lazyPart(() => import('./request.js'));
const signer = lazyPart(() => import('./sigv4.js'));

function missingAuth(d: Deployment): ConfigError {
  return new ConfigError(
    `model entry "${d.id}": provider "bedrock" needs a region and credentials: accessKeyId + secretAccessKey, apiKey, the AWS_* environment variables, or the standard AWS chain (profile, SSO, web identity, container or instance role: set \`profile\` or \`credentials: chain\`)`,
  );
}

function baseUrl(d: Deployment, region: string): string {
  return trimSlash(d.baseURL ?? `https://bedrock-runtime.${region}.amazonaws.com`);
}

/** Builds and authenticates one request to `/model/{modelId}/{operation}`. */
async function buildRequest(d: Deployment, operation: string, body: string, accept: string): Promise<HttpRequestSpec> {
  const region = resolveRegion(d);
  if (!region) throw missingAuth(d);
  const url = `${baseUrl(d, region)}/model/${encodeURIComponent(d.model)}/${operation}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept };
  for (const [k, v] of Object.entries(d.headers)) headers[k.toLowerCase()] = v;
  const bearer = resolveBearerToken(d);
  if (bearer) return { method: 'POST', url, headers: { ...headers, authorization: `Bearer ${bearer}` }, body };
  const credentials = resolveCredentials(d) ?? (usesCredentialChain(d) ? await fromChain(d) : undefined);
  if (!credentials) throw missingAuth(d);
  const { signRequest } = await signer.get();
  return { method: 'POST', url, headers: signRequest({ method: 'POST', url, headers, body, region, service: 'bedrock', credentials }), body };
}

async function fromChain(d: Deployment): Promise<AwsCredentials> {
  try {
    return await chainCredentials(d);
  } catch (err) {
    // The chain's messages name the sources it tried, never a secret.
    throw new ConfigError(`model entry "${d.id}": no AWS credentials from the standard chain: ${(err as Error)?.message ?? String(err)}`);
  }
}

export const bedrockAdapter: ProviderAdapter = {
  id: 'bedrock',
  genAiProviderName: 'aws.bedrock',
  streamFraming: 'aws-eventstream',
  settings: {
    region: z.string().min(1).optional(),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    sessionToken: z.string().min(1).optional(),
    /** A profile of the shared AWS config/credentials files (the standard credential chain). */
    profile: z.string().min(1).optional(),
    /** `chain`: take credentials from the standard AWS chain, instance metadata included. */
    credentials: z.literal('chain').optional(),
    /** Cohere embeddings on Bedrock: `input_type` (default `search_document`). */
    inputType: z.string().min(1).optional(),
    /** Titan embeddings: normalize vectors. */
    normalize: z.boolean().optional(),
  },
  env: {
    apiKey: ['AWS_BEARER_TOKEN_BEDROCK'],
    settings: {
      accessKeyId: ['AWS_ACCESS_KEY_ID'],
      secretAccessKey: ['AWS_SECRET_ACCESS_KEY'],
      sessionToken: ['AWS_SESSION_TOKEN'],
      region: ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_REGION_NAME'],
    },
  },
  validateDeployment(d) {
    if (!resolveRegion(d) || (!resolveBearerToken(d) && !resolveCredentials(d) && !usesCredentialChain(d))) throw missingAuth(d);
    encoder.preload();
    if (!resolveBearerToken(d)) signer.preload();
  },
  unsupportedParams: (params) => unsupportedShapeParams(params),
  async chatRequest(params: ChatCompletionCreateParams, ctx: AdapterContext): Promise<HttpRequestSpec> {
    const { encodeConverseRequest } = await encoder.get();
    const encoded = encodeConverseRequest(params, ctx.deployment);
    state.set(ctx, encoded.jsonTool !== undefined ? { jsonTool: encoded.jsonTool } : {});
    const accept = ctx.stream ? 'application/vnd.amazon.eventstream' : 'application/json';
    return buildRequest(ctx.deployment, ctx.stream ? 'converse-stream' : 'converse', JSON.stringify(encoded.body), accept);
  },
  chatResponse: (body, ctx) => decodeConverseResponse(body, ctx, state.get(ctx)?.jsonTool),
  chatStream: (ctx) => new BedrockStreamDecoder(ctx, state.get(ctx)?.jsonTool),
  embeddingsRequest(params: EmbeddingCreateParams, ctx: AdapterContext): Promise<HttpRequestSpec> {
    return buildRequest(ctx.deployment, 'invoke', JSON.stringify(encodeBedrockEmbeddings(params, ctx)), 'application/json');
  },
  embeddingsResponse: decodeBedrockEmbeddings,
  classifyError: classifyBedrockError,
};
