/**
 * `tracegate report --by ingress`: requests through chat completions, the Responses API and
 * the Messages API, traced by the real instrumentation into an OTLP/JSON file, are counted per
 * ingress (and route) by the report.
 */
import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/commands/report.js';
import { startFileTracing } from '../report/helpers/tracing.js';
import { KEY_ALL, startStack } from '../proxy/helpers.js';
import { ingressModels } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tracegate-ingress-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report cohorts by ingress', () => {
  it('counts chat completions, responses and messages requests apart', async () => {
    const file = join(dir, 'traces.jsonl');
    const tracing = startFileTracing(file);
    const s = await startStack((mock) => ({ models: ingressModels(mock), keys: [{ id: 'all', key: KEY_ALL }] }));
    try {
      const openai = s.client();
      const anthropic = new Anthropic({ apiKey: KEY_ALL, baseURL: s.proxy.url, maxRetries: 0 });
      await openai.chat.completions.create({ model: 'via-openai', messages: [{ role: 'user', content: 'hi' }] });
      await openai.responses.create({ model: 'via-anthropic', input: 'hi' });
      await openai.responses.stream({ model: 'via-gemini', input: 'hi' }).finalResponse();
      await openai.responses.create({ model: 'via-openai', input: 'hi' });
      await anthropic.messages.create({ model: 'via-bedrock', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
      await anthropic.messages.stream({ model: 'via-openai', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    } finally {
      await s.close();
      await tracing.shutdown();
    }
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => void out.push(t) }, stderr: { write: () => undefined, isTTY: false } };
    expect(await runReport([file, '--json', '--by', 'ingress', '--by', 'ingress,route'], io)).toBe(0);
    const report = JSON.parse(out.join(''));
    const byIngress = report.tables.find((t: { by: string[] }) => t.by.join() === 'ingress');
    const counts = Object.fromEntries(byIngress.cohorts.map((c: { key: { ingress: string }; requests: number }) => [c.key.ingress, c.requests]));
    expect(counts).toEqual({ 'chat.completions': 1, responses: 3, messages: 2 });
    const both = report.tables.find((t: { by: string[] }) => t.by.join() === 'ingress,route');
    const responsesViaOpenAI = both.cohorts.find((c: { key: Record<string, string> }) => c.key.ingress === 'responses' && c.key.route === 'via-openai');
    expect(responsesViaOpenAI.requests).toBe(1);
    expect(responsesViaOpenAI.successRate).toBe(1);
  });
});
