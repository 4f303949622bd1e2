/**
 * Content capture: off by default; when on, GenAI-format messages and OpenInference values,
 * redacted and capped; a failing redaction hook replaces text instead of leaking it and never
 * changes the call's result.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { setupTracing, useMockRouter } from './harness.js';

const h = setupTracing({ captureContent: false });
const t = useMockRouter(h);

const messages = [
  { role: 'system' as const, content: 'You are a support agent.' },
  { role: 'user' as const, content: 'My email is jane@example.com, where is order A-1?' },
  {
    role: 'assistant' as const,
    content: null,
    tool_calls: [{ id: 'call_prev', type: 'function' as const, function: { name: 'lookup_order', arguments: '{"id":"A-1"}' } }],
  },
  { role: 'tool' as const, tool_call_id: 'call_prev', content: '{"status":"shipped"}' },
];

beforeEach(() => {
  h.instrumentation.setConfig({ captureContent: false });
});

function attemptAttrs(): Record<string, unknown> {
  return { ...h.spans().find((s) => s.kind === 2)!.attributes };
}
function callAttrs(): Record<string, unknown> {
  return { ...h.spans().find((s) => s.kind !== 2)!.attributes };
}

describe('content capture', () => {
  it('is off by default: no message text anywhere', async () => {
    await t.router.chat.completions.create({ model: 'support-fast', messages });
    const all = JSON.stringify(h.spans().map((s) => [s.attributes, s.events]));
    expect(all).not.toContain('jane@example.com');
    expect(all).not.toContain('Mock reply');
    expect(all).not.toContain('gen_ai.input.messages');
    expect(all).not.toContain('input.value');
  });

  it('when on: GenAI messages, OpenInference values and message attributes', async () => {
    h.instrumentation.setConfig({ captureContent: true });
    await t.router.chat.completions.create({ model: 'support-fast', messages });
    const a = attemptAttrs();
    expect(JSON.parse(a['gen_ai.input.messages'] as string)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are a support agent.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'My email is jane@example.com, where is order A-1?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_prev', name: 'lookup_order', arguments: { id: 'A-1' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_prev', response: '{"status":"shipped"}' }] },
    ]);
    expect(JSON.parse(a['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Mock reply from gpt-4o-mini.' }], finish_reason: 'stop' },
    ]);
    expect(a['output.value']).toBe('Mock reply from gpt-4o-mini.');
    expect(a['output.mime_type']).toBe('text/plain');
    expect(JSON.parse(a['input.value'] as string).messages).toHaveLength(4);
    expect(a['input.mime_type']).toBe('application/json');
    expect(a['llm.input_messages.1.message.role']).toBe('user');
    expect(a['llm.input_messages.1.message.content']).toBe('My email is jane@example.com, where is order A-1?');
    expect(a['llm.input_messages.2.message.tool_calls.0.tool_call.function.name']).toBe('lookup_order');
    expect(a['llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments']).toBe('{"id":"A-1"}');
    expect(a['llm.input_messages.3.message.tool_call_id']).toBe('call_prev');
    expect(a['llm.output_messages.0.message.role']).toBe('assistant');
    expect(a['llm.output_messages.0.message.content']).toBe('Mock reply from gpt-4o-mini.');
    const c = callAttrs();
    expect(c['output.value']).toBe('Mock reply from gpt-4o-mini.');
    expect(JSON.parse(c['input.value'] as string).messages[1].content).toContain('jane@example.com');
  });

  it('tool calls chosen by the model appear in the output messages with their arguments', async () => {
    h.instrumentation.setConfig({ captureContent: true });
    t.mock.enqueue({ model: 'gpt-4o-mini' }, { kind: 'ok', reply: { toolCalls: [{ id: 'call_0', name: 'refund', arguments: '{"order":"A-1","amount":10}' }] } });
    await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'refund A-1' }] });
    const a = attemptAttrs();
    expect(JSON.parse(a['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_0', name: 'refund', arguments: { order: 'A-1', amount: 10 } }], finish_reason: 'tool_call' },
    ]);
    expect(JSON.parse(a['output.value'] as string)).toEqual([{ name: 'refund', arguments: { order: 'A-1', amount: 10 } }]);
    expect(a['output.mime_type']).toBe('application/json');
    expect(a['llm.output_messages.0.message.tool_calls.0.tool_call.id']).toBe('call_0');
    expect(a['tracegate.response.tool_calls']).toEqual(['refund']);
  });

  it('redacts with the hook and caps each text', async () => {
    h.instrumentation.setConfig({
      captureContent: true,
      maxContentLength: 20,
      redact: (text) => text.replace(/[\w.]+@[\w.]+/g, '<email>'),
    });
    await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'My email is jane@example.com, where is order A-1?' }] });
    const all = JSON.stringify(h.spans().map((s) => s.attributes));
    expect(all).not.toContain('jane@example.com');
    const a = attemptAttrs();
    expect(a['llm.input_messages.0.message.content']).toBe('My email is <email>,…[truncated 20 chars]');
    expect(JSON.parse(a['gen_ai.input.messages'] as string)[0].parts[0].content).toBe('My email is <email>,…[truncated 20 chars]');
  });

  it('a throwing redaction hook replaces the text and does not change the call result', async () => {
    h.instrumentation.setConfig({
      captureContent: true,
      redact: () => {
        throw new Error('hook bug');
      },
    });
    const completion = await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'secret text' }] });
    expect(completion.choices[0]!.message.content).toBe('Mock reply from gpt-4o-mini.');
    const all = JSON.stringify(h.spans().map((s) => s.attributes));
    expect(all).not.toContain('secret text');
    expect(attemptAttrs()['llm.input_messages.0.message.content']).toBe('[redaction failed]');
    expect(h.spans()).toHaveLength(2);
  });

  it('the environment turns capture on when the config does not say', async () => {
    const before = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
    try {
      h.instrumentation.setConfig({});
      await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'from env' }] });
      expect(attemptAttrs()['llm.input_messages.0.message.content']).toBe('from env');
      h.reset();
      h.instrumentation.setConfig({ captureContent: false });
      await t.router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'config wins' }] });
      expect(JSON.stringify(h.spans().map((s) => s.attributes))).not.toContain('config wins');
    } finally {
      if (before === undefined) delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
      else process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = before;
    }
  });
});
