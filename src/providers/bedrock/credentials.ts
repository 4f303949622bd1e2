/**
 * Where Bedrock credentials come from: the model entry (`accessKeyId`, `secretAccessKey`,
 * `sessionToken`, `region`) or the standard environment variables (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` / `AWS_DEFAULT_REGION`). A Bedrock
 * API key (entry `apiKey` or `AWS_BEARER_TOKEN_BEDROCK`) is sent as a bearer token instead of
 * signing. Without either, the standard AWS chain (profiles, SSO, web identity, container and
 * instance roles) is asked: see credential-chain.ts.
 */
import { optionString } from '../request-parts.js';
import type { Deployment } from '../types.js';
import type { AwsCredentials } from './sigv4.js';

function env(name: string): string | undefined {
  const v = process.env[name];
  return v ? v : undefined;
}

export function resolveRegion(d: Deployment): string | undefined {
  return optionString(d, 'region') ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
}

export function resolveBearerToken(d: Deployment): string | undefined {
  return d.apiKey ?? (optionString(d, 'accessKeyId') ? undefined : env('AWS_BEARER_TOKEN_BEDROCK'));
}

export function resolveCredentials(d: Deployment): AwsCredentials | undefined {
  const fromEntry = optionString(d, 'accessKeyId');
  const accessKeyId = fromEntry ?? env('AWS_ACCESS_KEY_ID');
  const secretAccessKey = fromEntry ? optionString(d, 'secretAccessKey') : env('AWS_SECRET_ACCESS_KEY');
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = fromEntry ? optionString(d, 'sessionToken') : env('AWS_SESSION_TOKEN');
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}
