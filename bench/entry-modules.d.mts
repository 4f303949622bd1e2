/** Types of bench/entry-modules.mjs (imported by test/core/entry-footprint.test.ts). */
export function loadedModules(specifier: string, options: { mode: 'esm' | 'cjs'; cwd?: string; node?: string }): string[];
export function groupModules(files: string[]): Record<string, number>;
