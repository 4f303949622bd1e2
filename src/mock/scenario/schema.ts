/**
 * The scenario language, as zod schemas: replies, stream pacing, fault steps, rules.
 * Objects are strict so a typo in a scenario file is an error naming its path instead of
 * a silently ignored field.
 */
import { z } from 'zod';

export const DIALECTS = ['openai', 'azure', 'anthropic', 'gemini', 'bedrock'] as const;
export const OPERATIONS = ['chat', 'embeddings', 'models'] as const;
export const FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter'] as const;

export type DialectName = (typeof DIALECTS)[number];
export type Operation = (typeof OPERATIONS)[number];
export type FinishReason = (typeof FINISH_REASONS)[number];

const count = z.number().int().nonnegative();
const httpStatus = z.number().int().min(100).max(599);
const headerMap = z.record(z.string(), z.string());
/** `<family>/<name>`, e.g. `openai/openai-text`; no path traversal. */
export const fixtureRefSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+\/[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'expected "<family>/<name>", e.g. "openai/openai-text"')
  .refine((ref) => !ref.includes('..'), 'must not contain ".."');

export const usageSchema = z.strictObject({
  prompt_tokens: count.optional(),
  completion_tokens: count.optional(),
  cached_tokens: count.optional(),
  cache_creation_tokens: count.optional(),
  reasoning_tokens: count.optional(),
});

export const toolCallSchema = z.strictObject({
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  /** An object, or a string sent as-is (so invalid JSON arguments can be scripted). */
  arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
});

export const replySchema = z.strictObject({
  text: z.string().optional(),
  reasoning: z.string().optional(),
  toolCalls: z.array(toolCallSchema).optional(),
  usage: usageSchema.optional(),
  finishReason: z.enum(FINISH_REASONS).optional(),
  /** Reply with the text of the last user message. */
  echo: z.boolean().optional(),
});

export const streamOptionsSchema = z.strictObject({
  chunks: z.number().int().min(1).optional(),
  delayMs: count.optional(),
  firstChunkDelayMs: count.optional(),
});

/** Fields of every step that ends in an answer (rather than an error status). */
const answerFields = {
  reply: replySchema.optional(),
  stream: streamOptionsSchema.optional(),
  replay: fixtureRefSchema.optional(),
  /** With `replay`: answer with this status and the fixture's (error) body. */
  status: httpStatus.optional(),
};

/** Fields of every step that ends in an error status. */
const errorFields = {
  message: z.string().optional(),
  headers: headerMap.optional(),
  /** The dialect's own error type/code (e.g. `ModelNotReadyException`, `api_error`). */
  errorType: z.string().optional(),
};

const retryAfter = {
  retryAfterSeconds: count.optional(),
  retryAfterMs: count.optional(),
  /** An HTTP-date, any date string, or a number of seconds from now. */
  retryAfterDate: z.union([z.string().min(1), count]).optional(),
};

const afterChunks = { afterChunks: count.optional() };

export const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ok'), ...answerFields }),
  z.strictObject({ kind: z.literal('status'), ...errorFields, status: httpStatus, body: z.unknown().optional() }),
  z.strictObject({ kind: z.literal('rate_limit'), ...errorFields, ...retryAfter }),
  z.strictObject({ kind: z.literal('server_error'), ...errorFields, status: z.number().int().min(500).max(599).optional() }),
  z.strictObject({ kind: z.literal('overloaded'), ...errorFields, ...retryAfter }),
  z.strictObject({ kind: z.literal('bad_request'), ...errorFields, param: z.string().optional() }),
  z.strictObject({ kind: z.literal('context_window'), ...errorFields, tokens: count.optional(), maxTokens: count.optional() }),
  z.strictObject({ kind: z.literal('content_policy'), ...errorFields, ...answerFields, mode: z.enum(['error', 'finish', 'prompt']).optional() }),
  z.strictObject({ kind: z.literal('auth'), ...errorFields, status: z.union([z.literal(401), z.literal(403)]).optional() }),
  z.strictObject({ kind: z.literal('latency'), ...answerFields, ms: count }),
  z.strictObject({ kind: z.literal('hang') }),
  z.strictObject({ kind: z.literal('slow_first_token'), ...answerFields, ms: count }),
  z.strictObject({ kind: z.literal('stall'), ...answerFields, ...afterChunks }),
  z.strictObject({ kind: z.literal('cut'), ...answerFields, ...afterChunks }),
  z.strictObject({ kind: z.literal('malformed'), ...answerFields, ...afterChunks }),
  z.strictObject({ kind: z.literal('content_type'), contentType: z.string().min(1).optional(), body: z.string().optional() }),
  z.strictObject({ kind: z.literal('oversized'), ...answerFields, bytes: z.number().int().min(1).optional() }),
  z.strictObject({ kind: z.literal('stream_error'), ...answerFields, ...errorFields, ...afterChunks }),
]);

/** A probabilistic fault: `{ probability, ...step }`, normalised to `{ probability, step }`. */
export const faultSchema = z.looseObject({ probability: z.number().min(0).max(1) }).transform((value, ctx) => {
  const { probability, ...rest } = value;
  const parsed = stepSchema.safeParse(rest);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  }
  return { probability, step: parsed.data };
});

const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema)]);

export const ruleMatchSchema = z.strictObject({
  /** Exact name or glob with `*`; or a list of them. */
  model: oneOrMany(z.string().min(1)).optional(),
  dialect: oneOrMany(z.enum(DIALECTS)).optional(),
  operation: oneOrMany(z.enum(OPERATIONS)).optional(),
  stream: z.boolean().optional(),
});

const settingsShape = {
  reply: replySchema.optional(),
  stream: streamOptionsSchema.optional(),
  /** Delay before every answer (and error) of the rule. */
  latencyMs: count.optional(),
  replay: fixtureRefSchema.optional(),
  status: httpStatus.optional(),
  /** `false`: accept requests without credentials. */
  auth: z.boolean().optional(),
};

export const ruleSchema = z
  .strictObject({
    name: z.string().optional(),
    match: ruleMatchSchema.optional(),
    sequence: z.array(stepSchema).optional(),
    then: z.enum(['repeat', 'last', 'ok']).optional(),
    faults: z.array(faultSchema).optional(),
    ...settingsShape,
  })
  .superRefine((rule, ctx) => {
    const total = (rule.faults ?? []).reduce((sum, fault) => sum + fault.probability, 0);
    if (total > 1 + 1e-9) ctx.addIssue({ code: 'custom', message: `fault probabilities add up to ${Number(total.toFixed(6))}, more than 1`, path: ['faults'] });
  });

export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  /** PRNG seed for probabilistic faults; the server option `seed` wins. */
  seed: z.number().int().optional(),
  /** `false`: accept requests without credentials everywhere. */
  auth: z.boolean().optional(),
  /** Ids listed by the models endpoints. */
  models: z.array(z.string().min(1)).optional(),
  defaults: z.strictObject(settingsShape).optional(),
  rules: z.array(ruleSchema).optional(),
});

export type Usage = z.infer<typeof usageSchema>;
export type ToolCall = z.infer<typeof toolCallSchema>;
export type Reply = z.infer<typeof replySchema>;
export type StreamOptions = z.infer<typeof streamOptionsSchema>;
export type Step = z.infer<typeof stepSchema>;
export type StepKind = Step['kind'];
export type RuleMatch = z.infer<typeof ruleMatchSchema>;
export type ProbabilisticFault = Step & { probability: number };
export type Rule = Omit<z.input<typeof ruleSchema>, 'faults' | 'sequence'> & { sequence?: Step[]; faults?: ProbabilisticFault[] };
export type Scenario = Omit<z.input<typeof scenarioSchema>, 'rules'> & { rules?: Rule[] };
export type ResolvedScenario = z.output<typeof scenarioSchema>;
export type ResolvedRule = z.output<typeof ruleSchema>;
export type Settings = NonNullable<ResolvedScenario['defaults']>;
