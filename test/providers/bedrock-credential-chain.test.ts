/**
 * Bedrock credentials from the standard AWS chain, over real HTTP to `tracegate mock`'s Bedrock
 * dialect: a profile in a temporary AWS_SHARED_CREDENTIALS_FILE, and ECS-style container
 * credentials from a fake endpoint on 127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI) that are
 * refreshed before they expire. Instance metadata is disabled (no traffic off this machine).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Router } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { clearCredentialCache } from '../../src/providers/bedrock/credential-chain.js';

let mock: MockServer;
let dir: string;

beforeAll(async () => {
  mock = await startMockServer();
  dir = mkdtempSync(join(tmpdir(), 'tracegate-aws-chain-'));
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  clearCredentialCache();
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN']) {
    vi.stubEnv(name, '');
  }
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'none-credentials'));
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'none-config'));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function router(extra: Record<string, unknown>): Router {
  return new Router({
    models: [{ name: 'claude', provider: 'bedrock', model: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'us-east-1', baseURL: mock.baseURL('bedrock'), ...extra }],
  });
}

async function keyIdOfOneCall(r: Router): Promise<string | undefined> {
  const before = mock.calls.length;
  const c = await r.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }] });
  expect(c.choices[0]!.message.role).toBe('assistant');
  const call = mock.calls[before]!;
  expect(call.aws?.scheme).toBe('sigv4');
  return call.aws?.accessKeyId;
}

describe('Bedrock credentials from the AWS chain', () => {
  it('a named profile from AWS_SHARED_CREDENTIALS_FILE signs the request', async () => {
    const file = join(dir, 'credentials');
    writeFileSync(file, '[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = default-secret\n\n[tracegate-test]\naws_access_key_id = AKIAPROFILE000000001\naws_secret_access_key = profile-secret-abc\n');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', file);
    const r = router({ profile: 'tracegate-test' });
    try {
      expect(await keyIdOfOneCall(r)).toBe('AKIAPROFILE000000001');
    } finally {
      await r.close();
    }
  });

  it('container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI) are used, and refreshed before they expire', async () => {
    let hits = 0;
    const tokens: (string | undefined)[] = [];
    const server: Server = createServer((req, res) => {
      hits += 1;
      tokens.push(req.headers.authorization);
      const soon = hits === 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          AccessKeyId: soon ? 'ASIACONTAINER0000001' : 'ASIACONTAINER0000002',
          SecretAccessKey: `container-secret-${hits}`,
          Token: `container-session-${hits}`,
          // The first set expires within the refresh margin (5 min): the next call asks again.
          Expiration: new Date(Date.now() + (soon ? 60_000 : 3_600_000)).toISOString(),
        }),
      );
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/credentials/task`);
    vi.stubEnv('AWS_CONTAINER_AUTHORIZATION_TOKEN', 'container-auth-token');
    const r = router({});
    try {
      expect(await keyIdOfOneCall(r)).toBe('ASIACONTAINER0000001');
      expect(await keyIdOfOneCall(r)).toBe('ASIACONTAINER0000002');
      expect(await keyIdOfOneCall(r)).toBe('ASIACONTAINER0000002');
      expect(hits).toBe(2);
      expect(tokens).toEqual(['container-auth-token', 'container-auth-token']);
    } finally {
      await r.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });

  it('a chain that finds nothing is a typed configuration error naming the entry, with no secret', async () => {
    const r = router({ credentials: 'chain' });
    try {
      const err = await r.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
      expect(err).toMatchObject({ errorClass: 'config' });
      expect(String((err as Error).message)).toMatch(/no AWS credentials from the standard chain/);
    } finally {
      await r.close();
    }
  });

  it('without static credentials or a chain source, the entry is still refused at configuration time', () => {
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '');
    vi.stubEnv('AWS_CONFIG_FILE', '');
    vi.stubEnv('HOME', dir);
    expect(() => router({})).toThrow(/needs a region and credentials/);
  });
});
