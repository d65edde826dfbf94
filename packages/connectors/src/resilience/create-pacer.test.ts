import { afterEach, describe, expect, it, vi } from "vitest";
import { createPacer, declaresPacing } from "./create-pacer.js";

describe("pacer", () => {
  afterEach(() => vi.useRealTimers());

  it("is only created for connectors that declare pacing", () => {
    expect(declaresPacing(undefined)).toBe(false);
    expect(declaresPacing({})).toBe(false);
    expect(declaresPacing({ minTimeMs: 100 })).toBe(true);
  });

  it("spaces calls by minTimeMs", async () => {
    vi.useFakeTimers();
    const pacer = createPacer({ minTimeMs: 1_000 });
    let started = 0;
    const jobs = [1, 2, 3].map(() => pacer.schedule(async () => void (started += 1)));
    await vi.advanceTimersByTimeAsync(500);
    expect(started).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(2);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(jobs);
    expect(started).toBe(3);
    await pacer.stop();
  });

  it("lets `requests` calls through per interval", async () => {
    vi.useFakeTimers();
    const pacer = createPacer({ requests: 2, intervalMs: 1_000 });
    let done = 0;
    const jobs = [1, 2, 3].map(() => pacer.schedule(async () => void (done += 1)));
    await vi.advanceTimersByTimeAsync(100);
    expect(done).toBe(2);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(jobs);
    expect(done).toBe(3);
    await pacer.stop();
  });
});
