import OpossumBreaker from "opossum";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CallCountedStatistics } from "./opossum-statistics.js";

const options = { timeout: false as const, volumeThreshold: Number.MAX_SAFE_INTEGER, enableSnapshots: false, rollingPercentilesEnabled: false, rollingCountBuckets: 1 };
const succeed = () => Promise.resolve("ok");
const fail = () => Promise.reject(new Error("down"));

async function fireMany(breaker: OpossumBreaker, successes: number, failures: number): Promise<void> {
  for (let index = 0; index < successes; index += 1) await breaker.fire(succeed);
  for (let index = 0; index < failures; index += 1) await breaker.fire(fail).catch(() => undefined);
}

describe("call-counted opossum statistics", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps at most one bucket of latencies however many calls run", async () => {
    const statistics = new CallCountedStatistics(64);
    const breaker = new OpossumBreaker((call: () => Promise<unknown>) => call(), { ...options, rotateBucketController: statistics.rotateBucketController });
    statistics.watch(breaker);
    await fireMany(breaker, 1_000, 100);
    const bucket = breaker.status.window[0] as { latencyTimes: number[]; successes: number; failures: number };
    // 1,100 calls in buckets of 64: the current bucket holds the last 1,100 mod 64 = 12 calls.
    expect(bucket.latencyTimes).toHaveLength(12);
    expect(bucket.successes + bucket.failures).toBe(12);
    breaker.shutdown();
  });

  it("runs no timer, where opossum's own rotation keeps one per breaker and every latency of its window", async () => {
    const statistics = new CallCountedStatistics(64);
    const counted = new OpossumBreaker((call: () => Promise<unknown>) => call(), { ...options, rotateBucketController: statistics.rotateBucketController });
    statistics.watch(counted);
    expect(vi.getTimerCount()).toBe(0);

    const timed = new OpossumBreaker((call: () => Promise<unknown>) => call(), { ...options, rollingCountTimeout: 1_000 });
    expect(vi.getTimerCount()).toBe(1);
    await fireMany(timed, 1_000, 0);
    expect((timed.status.window[0] as { latencyTimes: number[] }).latencyTimes).toHaveLength(1_000);
    counted.shutdown();
    timed.shutdown();
  });
});
