import { afterEach, describe, expect, it, vi } from "vitest";
import { StoreUnavailableError } from "../errors/errors.js";
import type { Clock } from "../ports/clock.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createClockSkewMonitor } from "./clock-skew-monitor.js";

/**
 * A wall clock that reads the manual clock plus `stepMs` (what someone setting the time adds), beside a monotonic
 * clock that reads the manual clock alone; a database whose clock is the manual clock, which can be made to fail.
 */
function steppable(manual: ManualClock) {
  const state = { stepMs: 0, databaseDown: false };
  const wall: Clock = { now: () => manual.now() + state.stepMs, sleep: (ms, signal) => manual.sleep(ms, signal), schedule: (ms, callback) => manual.schedule(ms, callback) };
  const monitor = createClockSkewMonitor({
    clock: wall,
    monotonicNow: () => manual.now(),
    maxSkewMs: 5_000,
    readReferenceTime: async () => {
      if (state.databaseDown) throw new StoreUnavailableError("The database did not answer.");
      return new Date(manual.now());
    },
  });
  return { state, monitor };
}

afterEach(() => vi.restoreAllMocks());

describe("a clock stepped between two measurements", () => {
  it("counts as skewed at once, before the next measurement, and its reference clock keeps the database's time", async () => {
    const manual = createManualClock();
    const { state, monitor } = steppable(manual);
    await monitor.measure();
    expect(monitor.isSkewed()).toBe(false);
    state.stepMs = 60_000;
    expect(monitor.latest()?.offsetMs).toBe(0);
    expect(monitor.currentOffset()?.offsetMs).toBe(-60_000);
    expect(monitor.isSkewed()).toBe(true);
    expect(monitor.referenceClock.now()).toBe(manual.now());
    await manual.advance(10_000);
    expect(monitor.referenceClock.now()).toBe(manual.now());
    // The next measurement finds the same offset, now measured rather than carried forward.
    await monitor.measure();
    expect(monitor.latest()?.offsetMs).toBe(-60_000);
    expect(monitor.currentOffset()?.offsetMs).toBe(-60_000);
    expect(monitor.isSkewed()).toBe(true);
  });

  it("is trusted again at once when stepped back into place, and is seen while the database cannot be read", async () => {
    const manual = createManualClock();
    const { state, monitor } = steppable(manual);
    state.stepMs = -30_000;
    await monitor.measure();
    expect(monitor.isSkewed()).toBe(true);
    state.databaseDown = true;
    state.stepMs = 0;
    expect(await monitor.measure()).toBeNull();
    expect(monitor.isSkewed()).toBe(false);
    state.stepMs = 20_000;
    expect(monitor.isSkewed()).toBe(true);
  });

  it("leaves steps under 100 ms, NTP's slewing and the reading of two clocks, to the next measurement", async () => {
    const manual = createManualClock();
    const { state, monitor } = steppable(manual);
    await monitor.measure();
    state.stepMs = 99;
    expect(monitor.currentOffset()?.offsetMs).toBe(0);
    expect(monitor.referenceClock.now()).toBe(manual.now() + 99);
    state.stepMs = -100;
    expect(monitor.currentOffset()?.offsetMs).toBe(100);
  });

  it("is watched against performance.now() when the monitor watches the system clock", async () => {
    const started = Date.now();
    const monitor = createClockSkewMonitor({ maxSkewMs: 5_000, readReferenceTime: async () => new Date(Date.now()) });
    await monitor.measure();
    expect(monitor.isSkewed()).toBe(false);
    vi.spyOn(Date, "now").mockReturnValue(started + 3_600_000);
    expect(monitor.isSkewed()).toBe(true);
    expect(monitor.currentOffset()?.offsetMs).toBeLessThan(-3_590_000);
  });

  it("goes unseen until the next measurement with a clock of its own and no monotonic clock", async () => {
    const manual = createManualClock();
    const state = { stepMs: 0 };
    const wall: Clock = { now: () => manual.now() + state.stepMs, sleep: (ms, signal) => manual.sleep(ms, signal), schedule: (ms, callback) => manual.schedule(ms, callback) };
    const monitor = createClockSkewMonitor({ clock: wall, maxSkewMs: 5_000, readReferenceTime: async () => new Date(manual.now()) });
    await monitor.measure();
    state.stepMs = 60_000;
    expect(monitor.isSkewed()).toBe(false);
    await monitor.measure();
    expect(monitor.isSkewed()).toBe(true);
  });
});
