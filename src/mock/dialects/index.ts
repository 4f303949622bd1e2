/** The dialect registry and the route table across dialects. */
import type { IncomingHttpHeaders } from 'node:http';
import type { DialectName } from '../scenario/schema.js';
import { anthropic } from './anthropic.js';
import { azure } from './azure.js';
import { bedrock } from './bedrock.js';
import { gemini } from './gemini.js';
import { openai } from './openai.js';
import type { Dialect, RouteMatch } from './types.js';

export const DIALECTS_BY_NAME: Record<DialectName, Dialect> = { openai, azure, anthropic, gemini, bedrock };

/** Most specific paths first: OpenAI's `/v1` prefix is optional, so it is tried last. */
const ROUTE_ORDER: Dialect[] = [azure, bedrock, gemini, anthropic, openai];

export function findRoute(method: string, path: string, headers: IncomingHttpHeaders): { dialect: Dialect; route: RouteMatch } | undefined {
  for (const dialect of ROUTE_ORDER) {
    const route = dialect.route(method, path, headers);
    if (route) return { dialect, route };
  }
  return undefined;
}
