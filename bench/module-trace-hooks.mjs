// Module hooks (module.register) that append the URL of every module the ESM loader resolves to
// the file named in `data.file`. Used by bench/entry-modules.mjs to list what an entry loads.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(file, result.url + '\n');
  return result;
}
