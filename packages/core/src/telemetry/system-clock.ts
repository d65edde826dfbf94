import type { Clock } from "../ports/clock.js";

/** The longest delay a Node.js timer keeps (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms instead. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Calls `callback` after `ms`, however long: a delay past {@link MAX_TIMER_DELAY_MS} is waited in timers of at most
 * that length, so that a run timeout of weeks does not fire at once and a wake-up far ahead does not fire every
 * millisecond. The returned function cancels it.
 */
function after(ms: number, callback: () => void, unref: boolean): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const arm = (remaining: number): void => {
    const delay = Math.min(remaining, MAX_TIMER_DELAY_MS);
    timer = setTimeout(() => (remaining > delay ? arm(remaining - delay) : callback()), delay);
    if (unref) timer.unref?.();
  };
  arm(ms);
  return () => clearTimeout(timer);
}

/** The real clock (`Date.now` and timers), which fake timers in tests also control. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        cancel();
        reject(signal?.reason);
      };
      const cancel = after(
        ms,
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        false,
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
  schedule(ms: number, callback: () => void): () => void {
    return after(ms, callback, true);
  },
});
