/**
 * Gemini `streamGenerateContent?alt=sse` events (each a GenerateContentResponse holding new
 * parts, not a running total) → OpenAI chunks.
 *
 * Text and thought parts stream as content / reasoning. A function call usually arrives whole
 * (name + args in one part); with argument streaming it arrives as a part with the name and
 * `willContinue`, then parts with `partialArgs`, ended by a part without `willContinue` (often an
 * empty `functionCall: {}`): the call is announced with its name and its arguments are sent once
 * complete. usageMetadata is cumulative; the last one with counts is sent in the usage-only chunk
 * when the body ends (Gemini has no terminal event). A body that ends before any finishReason is a
 * cut stream (InvalidResponseError); an `error` object in the stream → typed error.
 */
import type { ChatCompletionChunk } from '../../wire/chat-response.js';
import { argumentsText, asArray, asRecord, asString, invalidResponse, parseEventJson, type Json } from '../decode-util.js';
import { ChunkWriter } from '../stream-parts.js';
import type { AdapterContext, ChatStreamDecoder, StreamEvent } from '../types.js';
import { classifyGeminiError } from './errors.js';
import { PartialArgsAccumulator } from './partial-args.js';
import { checkPromptBlocked, geminiUsage, hasTokenCounts, mapFinishReason, signatureExtra, toolCallId } from './response.js';

interface CandidateState {
  toolCount: number;
  /** A function call whose arguments are still streaming. */
  active?: { index: number; args: PartialArgsAccumulator };
}

export class GeminiStreamDecoder implements ChatStreamDecoder {
  done = false;
  private readonly w: ChunkWriter;
  private readonly candidates = new Map<number, CandidateState>();
  private usage: Json | undefined;
  private responseId = '';
  private sawFinish = false;

  constructor(private readonly ctx: AdapterContext) {
    this.w = new ChunkWriter(ctx.deployment.model);
  }

  push(event: StreamEvent): ChatCompletionChunk[] {
    if (this.done) return [];
    const data = event.data.trim();
    if (data === '' || data === '[DONE]') return [];
    const obj = parseEventJson(event, this.ctx);
    if (obj.error) throw classifyGeminiError({ status: 200, headers: {}, body: obj, text: event.data }, this.ctx);
    checkPromptBlocked(obj, this.ctx);
    if (!this.responseId && typeof obj.responseId === 'string') this.responseId = obj.responseId;
    this.w.setMeta({ id: asString(obj.responseId), model: asString(obj.modelVersion) });
    const usage = asRecord(obj.usageMetadata);
    if (hasTokenCounts(usage)) this.usage = usage;
    asArray(obj.candidates).forEach((raw, i) => this.onCandidate(asRecord(raw) ?? {}, i));
    return this.w.take();
  }

  end(): ChatCompletionChunk[] {
    if (this.done) return [];
    if (!this.sawFinish) throw invalidResponse(this.ctx, 'stream ended before a finishReason');
    for (const [index, state] of this.candidates) this.finishActive(state, index);
    const usage = geminiUsage(this.usage);
    if (usage) this.w.usage(usage);
    this.done = true;
    return this.w.take();
  }

  private state(index: number): CandidateState {
    let s = this.candidates.get(index);
    if (!s) {
      s = { toolCount: 0 };
      this.candidates.set(index, s);
    }
    return s;
  }

  private onCandidate(cand: Json, position: number): void {
    const index = typeof cand.index === 'number' ? cand.index : position;
    const state = this.state(index);
    for (const raw of asArray(asRecord(cand.content)?.parts)) {
      const part = asRecord(raw);
      if (!part) continue;
      if (typeof part.text === 'string') {
        if (part.thought === true) this.w.reasoning(part.text, index);
        else this.w.text(part.text, index);
      }
      const fc = asRecord(part.functionCall);
      if (fc) this.onFunctionCall(fc, part, state, index);
    }
    const reason = asString(cand.finishReason);
    if (reason) {
      this.finishActive(state, index);
      this.sawFinish = true;
      this.w.finish(mapFinishReason(reason, state.toolCount > 0), reason, index);
    }
  }

  private onFunctionCall(fc: Json, part: Json, state: CandidateState, choice: number): void {
    const name = asString(fc.name);
    const partial = Array.isArray(fc.partialArgs) ? fc.partialArgs : undefined;
    const continues = fc.willContinue === true;
    const ends = !continues && (partial ?? []).every((a) => asRecord(a)?.willContinue !== true);
    if (name !== undefined && (continues || partial)) {
      this.finishActive(state, choice);
      const index = state.toolCount++;
      state.active = { index, args: new PartialArgsAccumulator() };
      this.w.toolCallStart({ index, id: toolCallId(fc, this.responseId, choice, index), name, extra: signatureExtra(part) }, choice);
      if (partial) state.active.args.apply(partial);
      if (ends) this.finishActive(state, choice);
      return;
    }
    if (partial && state.active) {
      state.active.args.apply(partial);
      if (ends) this.finishActive(state, choice);
      return;
    }
    if (name === undefined && fc.args === undefined && !partial && fc.willContinue === undefined) {
      this.finishActive(state, choice); // the terminal `functionCall: {}`
      return;
    }
    if (name !== undefined) {
      this.finishActive(state, choice);
      const index = state.toolCount++;
      const id = toolCallId(fc, this.responseId, choice, index);
      this.w.toolCallStart({ index, id, name, arguments: argumentsText(fc.args), extra: signatureExtra(part) }, choice);
    }
  }

  private finishActive(state: CandidateState, choice: number): void {
    const active = state.active;
    if (!active) return;
    state.active = undefined;
    this.w.toolCallArguments(active.index, active.args.json(), choice);
  }
}
