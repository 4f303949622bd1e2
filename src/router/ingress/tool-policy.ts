/**
 * The one policy for tools an ingress receives that are not plain function tools (hosted tools
 * such as `web_search`, `file_search`, `code_interpreter`, `computer_use_preview`; tool kinds a
 * chat model cannot take such as `namespace`, `custom`; Anthropic server tools such as
 * `web_search_20250305`, `bash_20250124`). tracegate calls every provider through its chat
 * adapter, so a tool is kept only where the chat request has an equivalent the deployments run:
 * web search, when every deployment of the alias is Anthropic, becomes chat's
 * `web_search_options`, which the Anthropic adapter sends as its `web_search_20250305` server
 * tool. Every other one is dropped: the call goes on with the function tools, the response
 * carries `x-tracegate-dropped-tools` and the call span `tracegate.ingress.dropped_tools`. When
 * an entry of the alias sets `strictTools: true`, a tool that would be dropped is refused
 * instead with a 400 naming it. (Passing hosted tools through to OpenAI's own Responses API is
 * not done: see docs/ingress.md.)
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

export interface ToolPolicyResult {
  /** Labels of the dropped tools (empty when none). */
  dropped: string[];
  /** Chat `web_search_options` when a web search tool was kept. */
  webSearchOptions?: Record<string, unknown>;
}

function isWebSearch(t: ToolLike): boolean {
  return typeof t.type === 'string' && t.type.startsWith('web_search');
}

/** A web search tool's `user_location` (Responses and Messages share its shape) → chat's web_search_options. */
function webSearchOptions(t: ToolLike): Record<string, unknown> {
  const loc = (t as { user_location?: Record<string, unknown> }).user_location;
  if (!loc || typeof loc !== 'object') return {};
  const approximate: Record<string, unknown> = {};
  for (const k of ['city', 'region', 'country', 'timezone']) if (typeof loc[k] === 'string') approximate[k] = loc[k];
  return { user_location: { type: 'approximate', approximate } };
}

/**
 * Applies the policy to the tools the ingress could not translate as function tools. Throws a
 * 400 naming the first tool that would be dropped under `strictTools`.
 */
export function applyToolPolicy(alias: string, group: readonly Deployment[] | undefined, unsupported: readonly { tool: ToolLike; param: string }[]): ToolPolicyResult {
  const out: ToolPolicyResult = { dropped: [] };
  if (unsupported.length === 0) return out;
  const anthropicOnly = !!group?.length && group.every((d) => d.provider === 'anthropic');
  const refused: { tool: ToolLike; param: string }[] = [];
  for (const u of unsupported) {
    if (anthropicOnly && isWebSearch(u.tool) && !out.webSearchOptions) out.webSearchOptions = webSearchOptions(u.tool);
    else refused.push(u);
  }
  if (refused.length && strictTools(group)) {
    const first = refused[0]!;
    throw new BadRequestError(
      `tool "${toolLabel(first.tool)}" cannot run on model "${alias}" (tracegate calls its deployments through chat completions, which have no such tool; the alias sets strictTools)`,
      { param: first.param, code: 'unsupported_tool' },
    );
  }
  out.dropped = refused.map((u) => toolLabel(u.tool));
  return out;
}
