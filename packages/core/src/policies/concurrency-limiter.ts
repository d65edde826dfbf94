import { RateLimitedError } from "../errors/errors.js";
import type { ConcurrencyPolicy } from "../model/agent-policies.js";

/** Caps how many runs of one agent execute at once, with a bounded wait line. */
export interface ConcurrencyLimiter {
  /** Rejects at once with `RATE_LIMITED` when every slot and the wait line are taken; call before persisting anything. */
  reserve(): void;
  /** Runs `task` as soon as a slot is free; `reserve` must have been called first. */
  run<T>(task: () => Promise<T>): Promise<T>;
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

  const acquire = (): Promise<void> | undefined => {
    if (active < policy.maxConcurrent && waiting.length === 0) {
      active += 1;
      return undefined;
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
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
    async run<T>(task: () => Promise<T>): Promise<T> {
      const waitForSlot = acquire();
      if (waitForSlot) await waitForSlot;
      try {
        return await task();
      } finally {
        reserved -= 1;
        releaseSlot();
      }
    },
    release() {
      reserved -= 1;
    },
  };
}
