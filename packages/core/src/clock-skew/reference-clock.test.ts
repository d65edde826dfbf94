import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../errors/errors.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createClockSkewMonitor } from "./clock-skew-monitor.js";
import { correctionOf } from "./reference-clock.js";

/**
 * A monitor of a manual clock against a database whose clock is `aheadMs` ahead of it; each read takes
 * `roundTripMs` of the manual clock, answered halfway, and `down` makes it fail.
 */
function monitored(clock: ManualClock) {
  const database = { aheadMs: 0, roundTripMs: 0, down: false };
  const monitor = createClockSkewMonitor({
    clock,
    maxSkewMs: 5_000,
    readReferenceTime: async () => {
      if (database.down) throw new StoreUnavailableError("The database did not answer.");
      await clock.advance(database.roundTripMs / 2);
      const answer = new Date(clock.now() + database.aheadMs);
      await clock.advance(database.roundTripMs / 2);
      return answer;
    },
  });
  return { database, monitor };
}

describe("correctionOf", () => {
  it("applies a measured offset larger than its uncertainty, to the millisecond, and none within it", () => {
    expect(correctionOf(null)).toBe(0);
    expect(correctionOf({ offsetMs: -60_000.5, uncertaintyMs: 2, measuredAt: 0 })).toBe(-60_000);
    expect(correctionOf({ offsetMs: 25, uncertaintyMs: 20, measuredAt: 0 })).toBe(25);
    expect(correctionOf({ offsetMs: 20, uncertaintyMs: 20, measuredAt: 0 })).toBe(0);
    expect(correctionOf({ offsetMs: -15, uncertaintyMs: 20, measuredAt: 0 })).toBe(0);
  });
});

describe("ClockSkewMonitor.referenceClock", () => {
  it("reads the watched clock until a first measurement, then the watched clock plus the measured offset", async () => {
    const clock = createManualClock();
    const { database, monitor } = monitored(clock);
    database.aheadMs = -60_000;
    expect(monitor.referenceClock.now()).toBe(clock.now());
    await monitor.measure();
    expect(monitor.referenceClock.now()).toBe(clock.now() - 60_000);
    await clock.advance(12_345);
    expect(monitor.referenceClock.now()).toBe(clock.now() - 60_000);
  });

  it("follows the offset from one measurement to the next, back as well as forward", async () => {
    const clock = createManualClock();
    const { database, monitor } = monitored(clock);
    database.aheadMs = 3_000;
    await monitor.measure();
    const before = monitor.referenceClock.now();
    database.aheadMs = 2_990;
    await monitor.measure();
    expect(monitor.referenceClock.now()).toBe(before - 10);
    database.aheadMs = 4_000;
    await monitor.measure();
    expect(monitor.referenceClock.now()).toBe(clock.now() + 4_000);
  });

  it("keeps the last offset through a failed measurement", async () => {
    const clock = createManualClock();
    const { database, monitor } = monitored(clock);
    database.aheadMs = 7_000;
    await monitor.measure();
    database.down = true;
    database.aheadMs = 0;
    expect(await monitor.measure()).toBeNull();
    await clock.advance(30_000);
    expect(monitor.referenceClock.now()).toBe(clock.now() + 7_000);
  });

  it("leaves the watched clock unchanged while the offset is within the round trip's uncertainty", async () => {
    const clock = createManualClock();
    const { database, monitor } = monitored(clock);
    database.roundTripMs = 40;
    database.aheadMs = 15;
    expect(await monitor.measure()).toMatchObject({ offsetMs: 15, uncertaintyMs: 20 });
    expect(monitor.referenceClock.now()).toBe(clock.now());
    database.aheadMs = 25;
    await monitor.measure();
    expect(monitor.referenceClock.now()).toBe(clock.now() + 25);
  });

  it("times waits by the watched clock, whatever the offset", async () => {
    const clock = createManualClock();
    const { database, monitor } = monitored(clock);
    database.aheadMs = -60_000;
    await monitor.measure();
    const fired: number[] = [];
    monitor.referenceClock.schedule(1_000, () => fired.push(clock.now()));
    const slept = monitor.referenceClock.sleep(2_000).then(() => fired.push(clock.now()));
    const start = clock.now();
    await clock.advance(2_000);
    await slept;
    expect(fired).toEqual([start + 1_000, start + 2_000]);
  });
});
