import { RateLimitedError } from "../errors/errors.js";
import type { ConcurrencyPolicy } from "../model/agent-policies.js";

/** Caps how many runs of one agent execute at once, with a bounded wait line. */
export interface ConcurrencyLimiter {
  /** Rejects at once with `RATE_LIMITED` when every slot and the wait line are taken; call before persisting anything. */
  reserve(): void;
  /** Counts a run admitted earlier (a queued run starting, a resumed run): never refused, it waits for a slot like any other. */
  reserveAdmitted(): void;
  /**
   * Runs `task` as soon as a slot is free; `reserve` or `reserveAdmitted` must have been called first. When `signal`
   * aborts while the task waits, the task leaves the line and runs at once without a slot: it is expected to see the
   * abort and end.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Releases a reservation that will not be run (for example when persisting failed). */
  release(): void;
}

/**
 * A counting semaphore with a first-in, first-out wait line. A run that finds a free slot starts at once; only
 * runs beyond the cap wait. (bottleneck costs milliseconds per scheduled job, which would have capped an agent
 * at a few hundred runs a second even when no run had to wait; it stays where waiting is the point: pacing.)
 */
export function createConcurrencyLimiter(agentName: string, policy: ConcurrencyPolicy): ConcurrencyLimiter {
  let reserved = 0;
  let active = 0;
  const waiting: Array<() => void> = [];
  const capacity = policy.maxConcurrent + policy.maxQueued;

  /** Takes a slot; resolves false when `signal` aborted first (then no slot is held). Undefined when one was free. */
  const acquire = (signal: AbortSignal | undefined): Promise<boolean> | undefined => {
    if (active < policy.maxConcurrent && waiting.length === 0) {
      active += 1;
      return undefined;
    }
    return new Promise<boolean>((resolve) => {
      const onSlot = (): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve(true);
      };
      const onAbort = (): void => {
        const index = waiting.indexOf(onSlot);
        if (index >= 0) waiting.splice(index, 1);
        resolve(false);
      };
      waiting.push(onSlot);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  };
  const releaseSlot = (): void => {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next();
    else active -= 1;
  };

  return {
    reserve() {
      if (reserved >= capacity) {
        throw new RateLimitedError(`Agent "${agentName}" is at its concurrency limit and its wait line is full.`, 1_000, {
          details: { scope: "concurrency" },
        });
      }
      reserved += 1;
    },
    reserveAdmitted() {
      reserved += 1;
    },
    async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const waitForSlot = acquire(signal);
      const holdsSlot = waitForSlot === undefined || (await waitForSlot);
      try {
        return await task();
      } finally {
        reserved -= 1;
        if (holdsSlot) releaseSlot();
      }
    },
    release() {
      reserved -= 1;
    },
  };
}
