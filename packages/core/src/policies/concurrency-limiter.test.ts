import { describe, expect, it } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { createConcurrencyLimiter } from "./concurrency-limiter.js";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

describe("concurrency limiter", () => {
  it("runs up to maxConcurrent at once, then in arrival order", async () => {
    const limiter = createConcurrencyLimiter("writer", { maxConcurrent: 2, maxQueued: 5 });
    const gates = Array.from({ length: 4 }, deferred);
    const started: number[] = [];
    const runs = gates.map((gate, index) => {
      limiter.reserve();
      return limiter.run(async () => {
        started.push(index);
        await gate.promise;
        return index;
      });
    });
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await runs[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it("rejects reservations beyond the slots and the wait line, and frees them when runs end", async () => {
    const limiter = createConcurrencyLimiter("writer", { maxConcurrent: 1, maxQueued: 1 });
    limiter.reserve();
    limiter.reserve();
    let rejection: unknown;
    try {
      limiter.reserve();
    } catch (error) {
      rejection = error;
    }
    expect(isNeonhubError(rejection, "RATE_LIMITED")).toBe(true);
    limiter.release();
    expect(() => limiter.reserve()).not.toThrow();
  });

  it("frees the slot when a task fails", async () => {
    const limiter = createConcurrencyLimiter("writer", { maxConcurrent: 1, maxQueued: 0 });
    limiter.reserve();
    await expect(limiter.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    limiter.reserve();
    await expect(limiter.run(async () => "ok")).resolves.toBe("ok");
  });
});
