/**
 * The standard AWS credential chain for Bedrock entries that carry no static credentials:
 * shared config and credentials files with profiles, SSO, web identity (IRSA), ECS container
 * credentials and EC2 instance metadata, through `@aws-sdk/credential-providers`
 * (`fromNodeProviderChain`), loaded on first use only. Credentials are cached per profile and
 * resolved again before they expire (`REFRESH_BEFORE_MS`), one resolution at a time.
 *
 * When the chain is used: the entry says `credentials: chain`, or names a `profile`, or the
 * environment points at a source (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE,
 * AWS_WEB_IDENTITY_TOKEN_FILE, AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI, or a
 * ~/.aws/credentials or ~/.aws/config file). On EC2 with an instance role nothing in the
 * environment says so: set `credentials: chain` on the entry (instance metadata is never asked
 * otherwise).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { optionString } from '../request-parts.js';
import type { Deployment } from '../types.js';
import type { AwsCredentials } from './sigv4.js';

export const REFRESH_BEFORE_MS = 5 * 60_000;

interface ChainCredentials extends AwsCredentials {
  expiration?: Date;
}

type Provider = () => Promise<ChainCredentials>;

const CHAIN_HINTS = ['AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

/** True when this entry should get its credentials from the standard chain. */
export function usesCredentialChain(d: Deployment, env: NodeJS.ProcessEnv = process.env): boolean {
  if (optionString(d, 'credentials') === 'chain' || optionString(d, 'profile')) return true;
  if (CHAIN_HINTS.some((name) => env[name])) return true;
  const home = env.HOME ?? homedir();
  return existsSync(join(home, '.aws', 'credentials')) || existsSync(join(home, '.aws', 'config'));
}

class CachedCredentials {
  private current: ChainCredentials | undefined;
  private pending: Promise<ChainCredentials> | undefined;

  constructor(
    private readonly provider: Provider,
    private readonly now: () => number,
  ) {}

  private fresh(c: ChainCredentials | undefined): c is ChainCredentials {
    return !!c && (!c.expiration || c.expiration.getTime() - this.now() > REFRESH_BEFORE_MS);
  }

  get(): Promise<ChainCredentials> {
    if (this.fresh(this.current)) return Promise.resolve(this.current);
    this.pending ??= this.provider().then(
      (c) => {
        this.current = c;
        this.pending = undefined;
        return c;
      },
      (err: unknown) => {
        this.pending = undefined;
        throw err;
      },
    );
    return this.pending;
  }
}

const caches = new Map<string, CachedCredentials>();

async function chainProvider(profile: string | undefined): Promise<Provider> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  // The SDK's chain memoizes on its own; ours decides when to ask it again (before expiry).
  return () => fromNodeProviderChain(profile ? { profile } : {})();
}

/**
 * Credentials for a chain entry, cached per profile. `provider` replaces the SDK chain (tests).
 */
export async function chainCredentials(d: Deployment, options: { provider?: Provider; now?: () => number } = {}): Promise<AwsCredentials> {
  const profile = optionString(d, 'profile');
  const key = profile ?? '';
  let cache = caches.get(key);
  if (!cache) {
    const provider = options.provider ?? (await chainProvider(profile));
    cache = caches.get(key) ?? new CachedCredentials(provider, options.now ?? Date.now);
    caches.set(key, cache);
  }
  const c = await cache.get();
  return c.sessionToken ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken } : { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
}

/** Forgets cached chain credentials (tests, or after rotating a profile's keys). */
export function clearCredentialCache(): void {
  caches.clear();
}
