import { EventEmitter } from "node:events";
import type OpossumBreaker from "opossum";

/** Calls after which an opossum breaker's statistics start a fresh bucket. */
export const CALLS_PER_STATISTICS_BUCKET = 256;

/**
 * Keeps an opossum breaker's rolling statistics small. Opossum stores every call's latency in its current bucket
 * and starts a new bucket on a timer; at thousands of calls per second that array grows to megabytes, and the
 * garbage collector copies and promotes it again on every young-generation collection (with a small run store,
 * this alone nearly doubled the cost of a run). The platform opens breakers on consecutive failures and never reads those statistics, so the
 * bucket is rotated by call count instead: it holds at most {@link CALLS_PER_STATISTICS_BUCKET} latencies, and no
 * timer runs.
 *
 * Pass `rotateBucketController` to the breaker's options, then call `watch` with the breaker.
 */
export class CallCountedStatistics {
  readonly rotateBucketController = new EventEmitter();
  private calls = 0;

  constructor(private readonly callsPerBucket = CALLS_PER_STATISTICS_BUCKET) {}

  /** Counts every call whose latency opossum records (successes, failures and timeouts). */
  watch(breaker: OpossumBreaker): void {
    const count = (): void => {
      this.calls += 1;
      if (this.calls < this.callsPerBucket) return;
      this.calls = 0;
      this.rotateBucketController.emit("rotate");
    };
    breaker.on("success", count);
    breaker.on("failure", count);
    breaker.on("timeout", count);
  }
}
