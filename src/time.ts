/**
 * Time shared by every thread of a run, the clock that code measuring windows and rates is given
 * (so unit tests give it a fake one), and waiting for a promise with a time limit.
 */

/** Milliseconds on the timeline the main thread and the workers share. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A clock: milliseconds since the epoch. Code that cuts windows, ends warm-ups or dates samples
 * takes one (`nowMs` by default) instead of reading the time itself.
 */
export type Clock = () => number;

/** Returned by `within` when the time ran out first. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/** Resolves with the promise's value, or TIMED_OUT after `ms`; the timer never outlives it. */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
