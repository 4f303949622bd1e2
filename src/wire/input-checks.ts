/** Small checks shared by the ingress translations (Responses, Messages): typed 400s naming the path. */
import { BadRequestError } from '../errors.js';

export type Json = Record<string, unknown>;

export function badInput(message: string, param: string): BadRequestError {
  return new BadRequestError(message, { param, code: 'invalid_value' });
}

export function isObj(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** `v` when it is a string, else a 400 naming `param`. */
export function str(v: unknown, param: string): string {
  if (typeof v !== 'string') throw badInput(`${param}: expected a string`, param);
  return v;
}
