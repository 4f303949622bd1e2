/** `tracegate mock`, run in-process through the command module (and by spawning the built CLI when dist/ exists). */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command, HELP, runMock, type MockCommandIO } from '../../src/cli/commands/mock.js';
import { startMockServer } from '../../src/mock/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { AUTH } from '../helpers/mock-client.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracegate-mock-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** IO that records output and, once the server is up, runs `whileUp` and then asks it to stop. */
function io(whileUp: (url: string, out: string[]) => Promise<void> = async () => undefined) {
  const out: string[] = [];
  const err: string[] = [];
  const value: MockCommandIO = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    waitForStop: async () => {
      const url = /listening on (\S+)/.exec(out.join('\n'))?.[1] ?? '';
      await whileUp(url, out);
      return 'SIGTERM';
    },
  };
  return { out, err, value };
}

describe('tracegate mock', () => {
  it('--help prints the options', async () => {
    const { out, value } = io();
    expect(await runMock(['--help'], value)).toBe(0);
    expect(out.join('\n')).toBe(HELP);
    expect(HELP).toMatch(/--port N[\s\S]*--scenario FILE[\s\S]*--fixtures DIR[\s\S]*--seed N/);
  });

  it('starts, prints every base URL, logs calls, applies the scenario, stops', async () => {
    const file = join(dir, 'scenario.yaml');
    await writeFile(file, 'rules:\n  - sequence: [{ kind: rate_limit, retryAfterSeconds: 2 }]\n');
    const statuses: number[] = [];
    const { out, err, value } = io(async (url) => {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { ...AUTH.openai, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o', messages: [] }) });
        await res.text();
        statuses.push(res.status);
      }
    });
    expect(await runMock(['--port', '0', '--scenario', file, '--seed', '5'], value)).toBe(0);
    expect(err).toEqual([]);
    expect(statuses).toEqual([429, 200]);
    const text = out.join('\n');
    expect(text).toMatch(/^tracegate mock listening on http:\/\/127\.0\.0\.1:\d+$/m);
    for (const dialect of ['openai', 'azure', 'anthropic', 'gemini', 'bedrock']) expect(text).toMatch(new RegExp(`^  ${dialect}\\s+baseURL http://`, 'm'));
    expect(text).toContain('/v1\n');
    expect(text).toMatch(/#1 POST \/v1\/chat\/completions → openai chat gpt-4o: 429 rate_limit/);
    expect(text).toMatch(/stopped \(SIGTERM\); 2 calls served/);
  });

  it('a bad scenario file is an error naming the file and the path', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'rules:\n  - sequence: [{ kind: rate_limt }]\n');
    const { err, value } = io();
    expect(await runMock(['--port', '0', '--scenario', file], value)).toBe(1);
    expect(err.join('\n')).toContain(`bad scenario: ${file}: rules[0].sequence[0].kind`);
  });

  it('a port in use and a bad --port are clear errors', async () => {
    const busy = await startMockServer();
    try {
      const { err, value } = io();
      expect(await runMock(['--port', String(busy.port)], value)).toBe(1);
      expect(err.join('\n')).toContain(`port ${busy.port} on 127.0.0.1 is already in use`);
    } finally {
      await busy.close();
    }
    const { err, value } = io();
    expect(await runMock(['--port', 'eighty'], value)).toBe(2);
    expect(err.join('\n')).toContain('--port must be an integer');
    expect(await runMock(['--what'], io().value)).toBe(2);
  });

  it('command.run stops cleanly on SIGINT', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const listeners = process.listenerCount('SIGINT');
    try {
      const running = command.run(['--port', '0', '--quiet']);
      await vi.waitFor(() => expect(log.mock.calls.flat().join('\n')).toContain('listening on'), { timeout: 2_000 });
      process.emit('SIGINT');
      expect(await running).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toContain('stopped (SIGINT)');
      expect(process.listenerCount('SIGINT')).toBe(listeners);
    } finally {
      log.mockRestore();
    }
  });

  it('the built CLI starts and stops on SIGTERM', async () => {
    ensureBuilt();
    const child = spawn(process.execPath, ['bin/tracegate.cjs', 'mock', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await vi.waitFor(() => expect(output).toContain('listening on'), { timeout: 5_000 });
    const url = /listening on (\S+)/.exec(output)![1]!;
    const res = await fetch(`${url}/v1/models`, { headers: AUTH.openai });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain('stopped (SIGTERM)');
  }, 120_000);
});
