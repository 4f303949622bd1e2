/** The OpenAI error body: `{ "error": { "message", "type", "param", "code" } }`. */
import { z } from 'zod';

export const ErrorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.string().nullish(),
    param: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
  }),
});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
