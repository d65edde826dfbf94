import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_DELAY_MS, systemClock } from "./system-clock.js";

const DAY_MS = 86_400_000;

describe("the system clock", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("schedules a callback past the longest delay of a Node.js timer when it is due, not at once", () => {
    const callback = vi.fn();
    systemClock.schedule(30 * DAY_MS, callback);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS);
    expect(callback).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * DAY_MS - MAX_TIMER_DELAY_MS - 1);
    expect(callback).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(callback).toHaveBeenCalledTimes(1);
  });

  it("cancels such a callback in any of its timers", () => {
    const callback = vi.fn();
    const cancel = systemClock.schedule(60 * DAY_MS, callback);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS + DAY_MS);
    cancel();
    vi.advanceTimersByTime(60 * DAY_MS);
    expect(callback).not.toHaveBeenCalled();
  });

  it("sleeps past the longest delay, and an abort ends the sleep", async () => {
    let slept = false;
    const sleeping = systemClock.sleep(26 * DAY_MS).then(() => (slept = true));
    await vi.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS + 1);
    expect(slept).toBe(false);
    await vi.advanceTimersByTimeAsync(26 * DAY_MS);
    await sleeping;
    expect(slept).toBe(true);

    const controller = new AbortController();
    const aborted = systemClock.sleep(40 * DAY_MS, controller.signal).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_DELAY_MS + 1);
    controller.abort(new Error("stop"));
    expect(await aborted).toMatchObject({ message: "stop" });
    expect(vi.getTimerCount()).toBe(0);
  });
});
