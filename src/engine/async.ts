/** Small promise helpers of the engine's services. */

/** Runs a synchronous handler body; a throw becomes a rejected promise, as callers of an Api handler expect. */
export function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(fn()));
}

/** Lets pending I/O and timers run between slices of a long synchronous job (clustering, grouping). */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
