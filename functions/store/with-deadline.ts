/** The store did not answer in time: the poll fails (500) instead of outliving its function. */
export class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
}

/**
 * The same store, each call bounded: a call that has not settled within `ms` rejects with
 * {@link StoreTimeoutError}. Firestore's client retries an unreachable backend for minutes (231 s
 * measured against a dead emulator), past the function's 120 s timeout, so a poll would die
 * without a word; bounded, it answers 500 naming the store and Cloud Scheduler retries.
 *
 * A call cut off this way may still complete later. That is safe: a transaction that commits late
 * leaves its messages in the outbox for the next poll, and a lease taken late expires.
 */
export function withDeadline<S extends object>(store: S, ms: number, name: string): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        within(
          (value as (...a: unknown[]) => Promise<unknown>).apply(target, args),
          ms,
          `${name} did not answer within ${ms / 1000} s (${String(property)})`,
        );
    },
  });
}

function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new StoreTimeoutError(message));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
