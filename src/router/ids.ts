import { randomBytes } from 'node:crypto';

let counter = 0;
const prefix = randomBytes(4).toString('hex');

/** A process-unique id, cheap enough for every call and attempt. */
export function nextId(kind: string): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${kind}_${prefix}${counter.toString(36)}`;
}
