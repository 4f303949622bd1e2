/**
 * The one policy for tools an ingress receives that are not plain function tools (hosted tools
 * such as `web_search`, `file_search`, `code_interpreter`, `computer_use_preview`; tool kinds a
 * chat model cannot take such as `namespace`, `custom`; Anthropic server tools such as
 * `web_search_20250305`, `bash_20250124`). tracegate calls every provider through its chat
 * adapter, which has no way to run them, so each one is dropped: the call goes on with the
 * function tools, the response carries `x-tracegate-dropped-tools` and the call span
 * `tracegate.ingress.dropped_tools`. When an entry of the alias sets `strictTools: true`, the
 * request is refused instead with a 400 naming the tool. (Passing hosted tools through to
 * OpenAI's own Responses API, and translating web search for Anthropic, are not done yet: see
 * docs/ingress.md.)
 */
import { BadRequestError } from '../../errors.js';
import type { Deployment } from '../../providers/types.js';

export interface ToolLike {
  readonly type?: unknown;
  readonly name?: unknown;
}

/** `web_search`, or `namespace:shell` when the tool has a name. */
export function toolLabel(t: ToolLike): string {
  const type = typeof t.type === 'string' ? t.type : 'unknown';
  return typeof t.name === 'string' && t.name ? `${type}:${t.name}` : type;
}

/** True when an entry of the alias sets `strictTools: true`. */
export function strictTools(group: readonly Deployment[] | undefined): boolean {
  return !!group?.some((d) => d.options.strictTools === true);
}

/**
 * Applies the policy to the tools the ingress could not translate; returns the labels of the
 * dropped ones (empty when none). Throws a 400 naming the first one under `strictTools`.
 */
export function applyToolPolicy(alias: string, group: readonly Deployment[] | undefined, unsupported: readonly { tool: ToolLike; param: string }[]): string[] {
  if (unsupported.length === 0) return [];
  if (strictTools(group)) {
    const first = unsupported[0]!;
    throw new BadRequestError(
      `tool "${toolLabel(first.tool)}" cannot run on model "${alias}" (tracegate calls its deployments through chat completions, which have no such tool; the alias sets strictTools)`,
      { param: first.param, code: 'unsupported_tool' },
    );
  }
  return unsupported.map((u) => toolLabel(u.tool));
}
