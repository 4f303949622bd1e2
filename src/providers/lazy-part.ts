/**
 * A part of an adapter loaded when first needed rather than with the router: the request
 * encoders of the non-OpenAI families (Anthropic, Gemini, Bedrock) load when a deployment of
 * that family is built (`preload()` from the adapter's `validateDeployment`) and are awaited by
 * `chatRequest`, which is async anyway. A router with OpenAI deployments only never loads them.
 */
export interface LazyPart<T> {
  /** The module (loading it on the first call). */
  get(): Promise<T>;
  /** Starts loading without waiting; a failure is seen by the next `get()`. */
  preload(): void;
}

export function lazyPart<T>(load: () => Promise<T>): LazyPart<T> {
  let loading: Promise<T> | undefined;
  const get = (): Promise<T> => (loading ??= load());
  return {
    get,
    preload: () => {
      get().catch(() => {});
    },
  };
}
