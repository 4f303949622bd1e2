import { describe, expect, it } from 'vitest';
import { chunkShapeProblem } from '../../src/providers/openai-wire.js';

const ok = { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] };

describe('chunkShapeProblem (the per-chunk shape check)', () => {
  it('accepts a normal chunk, a tool-call delta and a finish chunk', () => {
    expect(chunkShapeProblem(ok)).toBeUndefined();
    expect(
      chunkShapeProblem({ ...ok, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] } }] }),
    ).toBeUndefined();
    expect(chunkShapeProblem({ ...ok, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })).toBeUndefined();
  });

  it.each([
    [{ index: '0', delta: {} }, 'choices[0].index'],
    [{ index: 0, delta: { content: 5 } }, 'choices[0].delta.content'],
    [{ index: 0, delta: { role: 'user' } }, 'choices[0].delta.role'],
    [{ index: 0, delta: {}, finish_reason: 'done' }, 'choices[0].finish_reason'],
    [{ index: 0, delta: { tool_calls: {} } }, 'choices[0].delta.tool_calls'],
    [{ index: 0, delta: { tool_calls: [{ id: 'c' }] } }, 'choices[0].delta.tool_calls[0].index'],
    [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: {} } }] } }, 'choices[0].delta.tool_calls[0].function'],
  ])('rejects %j at %s', (choice, path) => {
    expect(chunkShapeProblem({ ...ok, choices: [choice] })).toContain(path);
  });
});
