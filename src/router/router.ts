/**
 * `Router`: the public entry point. `new Router({ models })` validates the configuration;
 * `router.chat.completions.create(params)` and `router.embeddings.create(params)` take OpenAI
 * params and return OpenAI shapes (a `ChatCompletionStream` for `stream: true`);
 * `router.responses.create(params)` takes Responses API params over the same call path.
 * Routing strategies, retries, fallbacks, breakers, budgets, rate limits, cache, mirroring and
 * guardrail hooks are configured in the same options (see docs/router.md).
 */
import '../providers/builtin.js';
import type { DeploymentRef } from '../call-info.js';
import { closeDispatchers, preloadUndici } from '../http/dispatcher.js';
import type { Deployment, Timeouts } from '../providers/types.js';
import type { ChatCompletionCreateParams } from '../wire/chat-request.js';
import type { ChatCompletion } from '../wire/chat-response.js';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from '../wire/embeddings.js';
import { DEFAULT_MAX_REQUEST_DEPTH } from '../wire/nesting.js';
import { deploymentRef } from './attempt.js';
import { CircuitBreakers, type BreakerSnapshot } from './breaker.js';
import { Budgets } from './budget.js';
import { createChatCompletion, createEmbeddings, type RequestOptions } from './call.js';
import { systemClock, type Clock } from './clock.js';
import { resolvePolicies, type Policies } from './config-policies.js';
import { DEFAULT_TIMEOUTS, RouterOptionsSchema, parseRouterOptions, resolveDeployments, type RouterOptions } from './config.js';
import type { RouterCore } from './core.js';
import { RateLimiter } from './limits.js';
import { RoutingAdjustments } from './routing-adjust.js';
import { StatsTable, type DeploymentStats } from './stats.js';
import type { SemanticStore } from './semantic-cache/store.js';
import { createStore } from './store/config.js';
import type { StateStore } from './store/types.js';
import { createStrategy, type RoutingStrategy, type StrategyName } from './strategies/index.js';
import { DeploymentGroups, fillWildcard, isWildcardName, wildcardTemplates } from './wildcard.js';
import type { ChatCompletionStream } from './stream.js';
import { Responses } from './ingress/responses.js';

export type ChatCompletionCreateParamsStreaming = ChatCompletionCreateParams & { stream: true };
export type ChatCompletionCreateParamsNonStreaming = ChatCompletionCreateParams & { stream?: false | null };

export interface ChatCompletions {
  create(params: ChatCompletionCreateParamsStreaming, options?: RequestOptions): Promise<ChatCompletionStream>;
  create(params: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<ChatCompletion>;
  create(params: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatCompletion | ChatCompletionStream>;
}

export class Router implements RouterCore {
  readonly groups: ReadonlyMap<string, readonly Deployment[]>;
  readonly timeouts: Timeouts;
  readonly maxResponseBytes: number;
  readonly maxRequestDepth: number;
  readonly chat: { completions: ChatCompletions };
  readonly embeddings: { create(params: EmbeddingCreateParams, options?: RequestOptions): Promise<CreateEmbeddingResponse> };
  /** The OpenAI Responses API over the chat call path (create, retrieve, delete; see docs/ingress.md). */
  readonly responses: Responses;
  readonly policies: Policies;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly random: () => number;
  readonly breakers: CircuitBreakers;
  readonly budgets: Budgets;
  readonly limiter: RateLimiter;
  readonly stats: StatsTable;
  /** Runtime routing adjustments (eval-aware routing): weight multipliers and alias redirects. */
  readonly routing: RoutingAdjustments;
  /** The semantic cache's entries, set once its module has loaded (see `semanticReady`). */
  semantic?: SemanticStore;
  /** Resolves to `semantic`; absent when no alias has a semantic cache. */
  readonly semanticReady?: Promise<SemanticStore>;
  private readonly all: readonly Deployment[];
  private readonly ownsStore: boolean;
  private readonly strategies = new Map<StrategyName, RoutingStrategy>();

  constructor(options: RouterOptions) {
    const parsed = parseRouterOptions(RouterOptionsSchema, options);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...parsed.timeouts };
    this.maxResponseBytes = parsed.maxResponseBytes ?? 32 * 1024 * 1024;
    this.maxRequestDepth = parsed.maxRequestDepth ?? DEFAULT_MAX_REQUEST_DEPTH;
    const explicit = parsed.models.filter((m) => !isWildcardName(m.name));
    const templates = wildcardTemplates(parsed.models.filter((m) => isWildcardName(m.name)));
    const resolveOne = (entries: typeof parsed.models) => resolveDeployments(entries, parsed.timeouts, parsed.propagateTraceContext, parsed.connections, parsed.dropParams);
    // A wildcard entry is checked once, as if a model had been asked for.
    for (const t of templates) resolveOne(t.entries.map((e) => ({ ...e, name: t.pattern.replace(/\*/g, 'x'), model: fillWildcard(e.model, ['x']) })));
    this.all = resolveOne(explicit);
    const groups = new Map<string, Deployment[]>();
    for (const d of this.all) {
      const list = groups.get(d.name) ?? [];
      list.push(d);
      groups.set(d.name, list);
    }
    this.groups = new DeploymentGroups(groups, templates, (t, requested, parts) =>
      resolveOne(t.entries.map((e, n) => ({ ...e, name: requested, model: fillWildcard(e.model, parts), id: e.id !== undefined ? `${e.id}:${requested}` : `${requested}#${n}` }))),
    );
    this.policies = resolvePolicies(parsed, this.all);
    this.clock = parsed.clock ?? systemClock;
    this.random = parsed.random ?? Math.random;
    const chosen = createStore(parsed.store, {
      clock: this.clock,
      cacheMaxEntries: this.policies.cache.maxEntries,
      cacheMaxBytes: this.policies.cache.maxBytes,
      cacheMaxEntryBytes: this.policies.cache.maxEntryBytes,
    });
    this.store = chosen.store;
    this.ownsStore = chosen.owned;
    this.breakers = new CircuitBreakers(this.policies.breaker, this.store, this.clock);
    this.budgets = new Budgets(this.policies.budgets, this.store, this.clock);
    this.limiter = new RateLimiter(this.store, this.clock);
    this.stats = new StatsTable();
    if (Object.keys(this.policies.semanticCache).length) {
      // The semantic cache's index loads now, in the background, only for a router that has one.
      this.semanticReady = import('./semantic-cache/store.js').then((m) => (this.semantic = new m.SemanticStore(this.store)));
      this.semanticReady.catch(() => {}); // a failed load is seen by the first lookup that awaits it
    }
    const variantNames = new Map(this.all.map((d) => [d.id, d.overrides?.variants?.map((v) => v.name) ?? []]));
    this.routing = new RoutingAdjustments(this.store, new Set(this.all.map((d) => d.id)), new Set(groups.keys()), () => this.clock.now(), (id) => variantNames.get(id) ?? []);
    this.chat = {
      completions: {
        create: ((params: ChatCompletionCreateParams, opts?: RequestOptions) => createChatCompletion(this, params, opts)) as ChatCompletions['create'],
      },
    };
    this.embeddings = { create: (params, opts) => createEmbeddings(this, params, opts) };
    this.responses = new Responses(this);
    // The HTTP client loads now, in the background, not when tracegate is imported.
    preloadUndici();
  }

  /** The adjustments API under the name the call path uses. */
  get adjustments(): RoutingAdjustments {
    return this.routing;
  }

  /** The strategy for an alias: a rule's override, else the alias's own, else the router's. */
  strategyFor(alias: string, override?: string): RoutingStrategy {
    const name = (override ?? this.policies.perAliasStrategy[alias] ?? this.policies.strategy) as StrategyName;
    let s = this.strategies.get(name);
    if (!s) {
      s = createStrategy(name, { latencyBuffer: this.policies.latencyBuffer });
      this.strategies.set(name, s);
    }
    return s;
  }

  /** The configured aliases (and the concrete names wildcard routes have served so far). */
  aliases(): string[] {
    return [...this.groups.keys()];
  }

  /** Wildcard routes (`anthropic/*`, `*`) with their providers. */
  wildcards(): { pattern: string; providers: string[] }[] {
    const g = this.groups as DeploymentGroups<{ name: string; provider: string }>;
    return g.templates.map((t) => ({ pattern: t.pattern, providers: [...new Set(t.entries.map((e) => e.provider))] }));
  }

  /** Every deployment, without credentials. */
  deployments(): DeploymentRef[] {
    return this.all.map(deploymentRef);
  }

  /** Circuit breaker state of every deployment (readiness endpoints, metrics). */
  async breakerStates(): Promise<Array<BreakerSnapshot & { alias: string }>> {
    return Promise.all(this.all.map(async (d) => ({ ...(await this.breakers.snapshot(d.id)), alias: d.name })));
  }

  /** Live statistics of a deployment in this process (in flight, latency EWMAs). */
  deploymentStats(id: string): Readonly<DeploymentStats> {
    return { ...this.stats.get(id) };
  }

  /** Closes pooled upstream connections, and the state store when the router created it (a Redis connection). */
  async close(): Promise<void> {
    if (this.ownsStore) await this.store.close?.();
    await closeDispatchers();
  }
}
