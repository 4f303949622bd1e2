/**
 * Watching an SDK's stream without changing it: the iterator the application consumes yields the
 * same items; the observer sees each item and how the stream ended (`completed`, `error`, or
 * `cancelled` when the consumer broke out). Observer failures never reach the application.
 */
export interface StreamObserver<T> {
  item(value: T): void;
  end(outcome: 'completed' | 'error' | 'cancelled', error?: unknown): void;
}

export function observeIterator<T>(it: AsyncIterator<T>, observer: StreamObserver<T>, report: (where: string, err: unknown) => void): AsyncIterableIterator<T> {
  let finished = false;
  const finish = (outcome: 'completed' | 'error' | 'cancelled', error?: unknown): void => {
    if (finished) return;
    finished = true;
    try {
      observer.end(outcome, error);
    } catch (err) {
      report('stream end', err);
    }
  };
  const wrapped: AsyncIterableIterator<T> = {
    async next(...args: [] | [unknown]) {
      let r: IteratorResult<T>;
      try {
        r = await it.next(...args);
      } catch (err) {
        finish('error', err);
        throw err;
      }
      if (r.done) finish('completed');
      else if (!finished) {
        try {
          observer.item(r.value);
        } catch (err) {
          report('stream item', err);
        }
      }
      return r;
    },
    async return(value?: unknown) {
      finish('cancelled');
      return it.return ? it.return(value) : { done: true, value: value as T };
    },
    async throw(error?: unknown) {
      finish('error', error);
      if (it.throw) return it.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
  };
  return wrapped;
}
