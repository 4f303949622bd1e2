/**
 * Where the recorded provider responses are when no `fixturesDir` is given: the copy shipped in
 * the package (`test/fixtures/providers`, listed in package.json `files`), found from this
 * module's own folder (CommonJS build, which the CLI runs) or by resolving the installed
 * `tracegate` package from the working directory (ESM build); a checkout's own copy last.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const RELATIVE = join('test', 'fixtures', 'providers');

function fromModuleDir(): string | undefined {
  // dist/cjs/src/mock → the package root. `__dirname` does not exist in the ESM build.
  return typeof __dirname === 'string' ? join(__dirname, '..', '..', '..', '..', RELATIVE) : undefined;
}

function fromInstalledPackage(): string | undefined {
  try {
    const pkg = createRequire(join(process.cwd(), 'noop.js')).resolve('tracegate/package.json');
    return join(dirname(pkg), RELATIVE);
  } catch {
    return undefined;
  }
}

export function defaultFixturesDir(): string {
  const local = resolve(RELATIVE);
  for (const candidate of [fromModuleDir(), fromInstalledPackage(), local]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return local;
}
