/**
 * Virtual keys: the client keys of the proxy. Only their SHA-256 digests are kept in memory. A
 * presented key is hashed and compared with every digest using `crypto.timingSafeEqual` over
 * the fixed 32-byte digests, without stopping at a match, so the time taken says nothing about
 * which key matched or how much of it. Each key carries its allowed aliases and the identity
 * the router uses for budgets and rate limits (key id, user, team, RPM, TPM).
 */
import { wildcardRegex } from '../router/wildcard.js';
import crypto, { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { CallIdentity } from '../router/budget.js';

export interface VirtualKey {
  /** The key's id (never the key itself). */
  readonly id: string;
  /** Aliases it may use; undefined = all. */
  readonly models: ReadonlySet<string> | undefined;
  readonly identity: CallIdentity;
  /** Request metadata for routing rules and spans (`user`, `team`, ...). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly master: boolean;
}

export interface KeySpec {
  id: string;
  /** 32-byte SHA-256 digest of the key. */
  digest: Buffer;
  models?: readonly string[];
  rpm?: number;
  tpm?: number;
  metadata?: Record<string, string>;
  master?: boolean;
}

/** SHA-256 of a key's UTF-8 bytes. */
/** crypto.hash (Node 20.12+, 21.7+): one call, no Hash object per request. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

export function digestKey(plain: string): Buffer {
  return oneShot ? oneShot('sha256', plain, 'buffer') : createHash('sha256').update(plain, 'utf8').digest();
}

/** `sha256:<hex>` form of a key, as written in config files. */
export function hashKey(plain: string): string {
  return `sha256:${digestKey(plain).toString('hex')}`;
}

/** `sha256:<hex>` → digest bytes. */
export function parseKeyHash(text: string): Buffer {
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(text);
  if (!m) throw new TypeError('expected "sha256:" followed by 64 hex digits');
  return Buffer.from(m[1]!, 'hex');
}

/**
 * The key a request presents: `Authorization: Bearer <key>`, else the `api-key` header
 * (Azure-style clients), else `x-api-key` (Anthropic-style clients).
 */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth !== undefined) {
    const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  const apiKey = headers['api-key'] ?? headers['x-api-key'];
  const v = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return v ? v.trim() : undefined;
}

interface Entry {
  digest: Buffer;
  key: VirtualKey;
}

export class KeyRing {
  private readonly entries: Entry[];

  constructor(specs: readonly KeySpec[]) {
    this.entries = specs.map((s) => {
      if (s.digest.length !== 32) throw new TypeError(`key "${s.id}": digest must be 32 bytes`);
      const identity: CallIdentity = { key: s.id };
      const user = s.metadata?.user;
      const team = s.metadata?.team;
      if (user) identity.user = user;
      if (team) identity.team = team;
      if (s.rpm !== undefined) identity.rpm = s.rpm;
      if (s.tpm !== undefined) identity.tpm = s.tpm;
      const key: VirtualKey = {
        id: s.id,
        models: s.models && !s.master ? new Set(s.models) : undefined,
        identity,
        metadata: { ...(s.metadata ?? {}) },
        master: s.master === true,
      };
      return { digest: Buffer.from(s.digest), key };
    });
  }

  /** True when keys are configured (requests must then present one). */
  get enabled(): boolean {
    return this.entries.length > 0;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The key whose digest equals the presented key's, comparing against every entry in constant time. */
  authenticate(presented: string | undefined): VirtualKey | undefined {
    if (presented === undefined) return undefined;
    const digest = digestKey(presented);
    let found: VirtualKey | undefined;
    for (const e of this.entries) {
      const same = timingSafeEqual(e.digest, digest);
      if (same && found === undefined) found = e.key;
    }
    return found;
  }
}

/** True when the key may use `alias` (a key's model may be a wildcard such as `anthropic/*`). */
export function allows(key: VirtualKey | undefined, alias: string): boolean {
  if (!key || !key.models || key.models.has(alias)) return true;
  for (const m of key.models) if (m.includes('*') && wildcardRegex(m).test(alias)) return true;
  return false;
}
