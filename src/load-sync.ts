/**
 * Loads a dependency the first time a synchronous function needs it, not when tracegate is
 * imported: `parseProxyConfig(text)` needs yaml and `JsonSchemaValidation(...)` needs ajv, but
 * an application or proxy that never calls them should not pay for either (each is ~20 ms and a
 * few MB at import). `import()` cannot serve a synchronous function, so this is `require`: the
 * module's own in the CommonJS build; in the ESM build a `require` anchored at this file (code
 * that also compiles to CommonJS cannot name `import.meta`, so the file's URL comes from the
 * call site V8 records). Only for packages whose Node entry is CommonJS (yaml, ajv): `require`
 * and `import` then load the same file, so both builds share one copy of the package.
 */
import { createRequire } from 'node:module';

let req: NodeJS.Require | undefined;

/** The URL (ESM) or path (CommonJS) of this file, from the call site of a fresh Error. */
function ownFile(): string {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_err, sites) => sites[0]?.getFileName();
    const file = new Error().stack as unknown;
    if (typeof file !== 'string' || !file) throw new Error('load-sync: cannot tell where tracegate is installed');
    return file;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

function requireFn(): NodeJS.Require {
  // `require` is the module's own in the CommonJS build; undefined in the ESM build.
  req ??= typeof require === 'function' ? require : createRequire(ownFile());
  return req;
}

/** `require(id)`, typed as the caller says (`loadSync<typeof import('yaml')>('yaml')`). */
export function loadSync<T>(id: string): T {
  return requireFn()(id) as T;
}
