/**
 * Environment interpolation in config values: `${NAME}`, `${NAME:-default}` (the default is
 * used when NAME is unset or empty, as in a shell), `$${...}` for a literal `${...}`, and
 * LiteLLM's whole-value form `os.environ/NAME`. Only string values are rewritten; keys and the
 * structure are untouched, so a path into the result is a path into the file.
 */

export type ConfigPath = (string | number)[];

export interface MissingVariable {
  name: string;
  path: ConfigPath;
}

const PLACEHOLDER = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const OS_ENVIRON = /^os\.environ\/([A-Za-z_][A-Za-z0-9_]*)$/;

/** Replaces placeholders in one string; unset variables without a default are reported, left empty. */
export function interpolateString(value: string, env: NodeJS.ProcessEnv, path: ConfigPath, missing: MissingVariable[]): string {
  const whole = OS_ENVIRON.exec(value.trim());
  if (whole) {
    const name = whole[1]!;
    const v = env[name];
    if (v === undefined) missing.push({ name, path });
    return v ?? '';
  }
  if (!value.includes('${')) return value;
  return value.replace(PLACEHOLDER, (match, escape: string, name: string, fallback: string | undefined) => {
    if (escape) return match.slice(1);
    const v = env[name];
    if (fallback !== undefined) return v ? v : fallback;
    if (v === undefined) {
      missing.push({ name, path });
      return '';
    }
    return v;
  });
}

/** Deep copy of `value` with every string interpolated; the variables that were missing are listed. */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv): { value: unknown; missing: MissingVariable[] } {
  const missing: MissingVariable[] = [];
  const walk = (v: unknown, path: ConfigPath): unknown => {
    if (typeof v === 'string') return interpolateString(v, env, path, missing);
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...path, k]);
      return out;
    }
    return v;
  };
  return { value: walk(value, []), missing };
}
