import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { canonicalPath, signRequest, type AwsCredentials } from '../../src/providers/bedrock/sigv4.js';

/** The hash constructor @smithy/signature-v4 expects, on node:crypto. */
class Sha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

async function smithyAuthorization(url: string, headers: Record<string, string>, body: string, creds: AwsCredentials, date: Date, region = 'us-east-1'): Promise<string> {
  const signer = new SignatureV4({ credentials: creds, region, service: 'bedrock', sha256: Sha256 as never });
  const u = new URL(url);
  const query: Record<string, string> = {};
  for (const [k, v] of u.searchParams) query[k] = v;
  const signed = await signer.sign(
    { method: 'POST', protocol: u.protocol, hostname: u.hostname, port: u.port ? Number(u.port) : undefined, path: u.pathname, query, headers: { host: u.host, ...headers }, body } as never,
    { signingDate: date },
  );
  return (signed as unknown as { headers: Record<string, string> }).headers.authorization!;
}

const creds: AwsCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const date = new Date('2024-05-06T07:08:09Z');

describe('SigV4 signing agrees with @smithy/signature-v4', () => {
  const cases: { name: string; url: string; headers: Record<string, string>; body: string; creds: AwsCredentials; region?: string }[] = [
    {
      name: 'model id with ":" (double-encoded path)',
      url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}',
      creds,
    },
    {
      name: 'stream path, session token, query string, odd header spacing',
      url: 'https://bedrock-runtime.eu-west-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream?b=2&a=x%20y',
      headers: { 'content-type': 'application/json', 'x-custom': '  a   b  ', 'user-agent': 'not-signed' },
      body: '{"a":"ünïcode"}',
      creds: { ...creds, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' },
      region: 'eu-west-1',
    },
    {
      name: 'loopback with a port and an ARN model id',
      url: 'http://127.0.0.1:4010/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.meta.llama3-1-8b-instruct-v1%3A0/invoke',
      headers: { 'content-type': 'application/json', 'x-mock-fixture': 'bedrock/amazon-bedrock-text' },
      body: '{"inputText":"hello"}',
      creds,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const region = c.region ?? 'us-east-1';
      const mine = signRequest({ method: 'POST', url: c.url, headers: c.headers, body: c.body, region, service: 'bedrock', credentials: c.creds, date });
      const expected = await smithyAuthorization(c.url, c.headers, c.body, c.creds, date, region);
      expect(mine.authorization).toBe(expected);
      expect(mine['x-amz-date']).toBe('20240506T070809Z');
      if (c.creds.sessionToken) expect(mine['x-amz-security-token']).toBe(c.creds.sessionToken);
    });
  }

  it('a different body or date changes the signature', () => {
    const base = { method: 'POST', url: cases[0]!.url, headers: {}, body: '{}', region: 'us-east-1', service: 'bedrock', credentials: creds, date };
    const a = signRequest(base).authorization;
    expect(signRequest({ ...base, body: '{ }' }).authorization).not.toBe(a);
    expect(signRequest({ ...base, date: new Date('2024-05-06T07:08:10Z') }).authorization).not.toBe(a);
  });

  it('double-encodes the path and normalizes segments', () => {
    expect(canonicalPath('/model/a%3A0/converse')).toBe('/model/a%253A0/converse');
    expect(canonicalPath('/a//b/./c/../d')).toBe('/a/b/d');
  });
});
