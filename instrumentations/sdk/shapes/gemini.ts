/**
 * `@google/genai` `generateContent` parameters → the chat shape the span mapping reads:
 * `contents` (a string, parts, or Content objects) and `config.systemInstruction` become messages
 * (`functionCall` parts as tool calls, `functionResponse` parts as tool messages), `config`'s
 * sampling settings their chat names, function declarations their names.
 */
import { isRec, type Rec } from './util.js';

function partsOf(content: unknown): Rec[] {
  if (typeof content === 'string') return [{ text: content }];
  if (isRec(content) && Array.isArray(content.parts)) return content.parts.filter(isRec);
  if (isRec(content)) return [content];
  return [];
}

function message(role: string, parts: Rec[], out: Rec[]): void {
  const texts = parts.filter((p) => typeof p.text === 'string' && !p.thought).map((p) => p.text as string);
  const calls = parts
    .filter((p) => isRec(p.functionCall))
    .map((p) => {
      const fc = p.functionCall as Rec;
      return { ...(typeof fc.id === 'string' ? { id: fc.id } : {}), type: 'function', function: { name: fc.name, arguments: JSON.stringify(fc.args ?? {}) } };
    });
  for (const p of parts.filter((x) => isRec(x.functionResponse))) {
    const fr = p.functionResponse as Rec;
    out.push({ role: 'tool', ...(typeof fr.id === 'string' ? { tool_call_id: fr.id } : {}), content: JSON.stringify(fr.response ?? {}) });
  }
  if (texts.length || calls.length) out.push({ role, content: texts.length ? texts.join('') : null, ...(calls.length ? { tool_calls: calls } : {}) });
}

export function geminiMessages(contents: unknown, system: unknown): Rec[] {
  const out: Rec[] = [];
  if (system !== undefined) message('system', partsOf(system), out);
  if (typeof contents === 'string' || (isRec(contents) && !Array.isArray(contents))) message('user', partsOf(contents), out);
  else if (Array.isArray(contents)) {
    if (contents.every((c) => typeof c === 'string' || (isRec(c) && !('role' in c) && !('parts' in c)))) message('user', contents.flatMap(partsOf), out);
    else for (const c of contents) message(isRec(c) && c.role === 'model' ? 'assistant' : 'user', partsOf(c), out);
  }
  return out;
}

/** Model id without the `models/` prefix. */
export function geminiModel(model: unknown): string {
  return typeof model === 'string' ? model.replace(/^models\//, '') : '';
}

export function geminiParams(params: Rec): Rec {
  const config = isRec(params.config) ? params.config : {};
  const out: Rec = { model: geminiModel(params.model), messages: geminiMessages(params.contents, config.systemInstruction) };
  const pairs: [string, string][] = [
    ['temperature', 'temperature'],
    ['topP', 'top_p'],
    ['maxOutputTokens', 'max_tokens'],
    ['seed', 'seed'],
    ['presencePenalty', 'presence_penalty'],
    ['frequencyPenalty', 'frequency_penalty'],
    ['candidateCount', 'n'],
    ['stopSequences', 'stop'],
  ];
  for (const [from, to] of pairs) if (config[from] != null) out[to] = config[from];
  if (config.responseMimeType === 'application/json') out.response_format = { type: config.responseSchema || config.responseJsonSchema ? 'json_schema' : 'json_object' };
  const names: string[] = [];
  for (const t of Array.isArray(config.tools) ? config.tools : []) {
    if (isRec(t) && Array.isArray(t.functionDeclarations)) for (const d of t.functionDeclarations) if (isRec(d) && typeof d.name === 'string') names.push(d.name);
  }
  if (names.length) out.tools = names.map((name) => ({ type: 'function', function: { name } }));
  return out;
}
