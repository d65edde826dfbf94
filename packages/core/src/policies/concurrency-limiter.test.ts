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

  it("lets a waiting task whose signal aborts leave the line and run at once, without taking a slot", async () => {
    const limiter = createConcurrencyLimiter("writer", { maxConcurrent: 1, maxQueued: 2 });
    const holder = deferred();
    const started: string[] = [];
    limiter.reserve();
    const first = limiter.run(async () => (started.push("first"), holder.promise));
    const controller = new AbortController();
    limiter.reserveAdmitted();
    const aborted = limiter.run(async () => void started.push("aborted"), controller.signal);
    limiter.reserve();
    const third = limiter.run(async () => void started.push("third"));
    await Promise.resolve();
    expect(started).toEqual(["first"]);
    controller.abort();
    await aborted;
    expect(started).toEqual(["first", "aborted"]);
    holder.resolve();
    await first;
    await third;
    expect(started).toEqual(["first", "aborted", "third"]);
    // Every reservation was given back: the line holds three again.
    for (let turn = 0; turn < 3; turn += 1) limiter.reserve();
    expect(() => limiter.reserve()).toThrow();
  });
});

