/** zod schemas of the OpenAI embeddings request and response. */
import { z } from 'zod';

export const EmbeddingCreateParamsSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).optional(),
  user: z.string().optional(),
});

export const EmbeddingSchema = z.looseObject({
  object: z.literal('embedding'),
  index: z.number(),
  embedding: z.union([z.array(z.number()), z.string()]),
});

export const CreateEmbeddingResponseSchema = z.looseObject({
  object: z.literal('list'),
  data: z.array(EmbeddingSchema),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.number(), total_tokens: z.number() }),
});

export type EmbeddingCreateParams = z.infer<typeof EmbeddingCreateParamsSchema>;
export type Embedding = z.infer<typeof EmbeddingSchema>;
export type CreateEmbeddingResponse = z.infer<typeof CreateEmbeddingResponseSchema>;
