import Bottleneck from "bottleneck";
import { RateLimitedError } from "../errors/errors.js";
import type { ConcurrencyPolicy } from "../model/agent-policies.js";

/** Caps how many runs of one agent execute at once, with a bounded wait line. */
export interface ConcurrencyLimiter {
  /** Rejects at once with `RATE_LIMITED` when the line is full; call before persisting anything. */
  reserve(): void;
  /** Runs `task` when a slot is free; `reserve` must have been called first. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Releases a reservation that will not be run (for example when persisting failed). */
  release(): void;
}

/** Bottleneck schedules the waiting runs; admission is checked here first so that nothing waits unbounded. */
export function createConcurrencyLimiter(agentName: string, policy: ConcurrencyPolicy): ConcurrencyLimiter {
  const limiter = new Bottleneck({ maxConcurrent: policy.maxConcurrent });
  let reserved = 0;
  const capacity = policy.maxConcurrent + policy.maxQueued;
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
      try {
        return await limiter.schedule(task);
      } finally {
        reserved -= 1;
      }
    },
    release() {
      reserved -= 1;
    },
  };
}
