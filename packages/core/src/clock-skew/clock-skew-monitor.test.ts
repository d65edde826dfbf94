import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../errors/errors.js";
import type { Clock } from "../ports/clock.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createRecordingLogger } from "../testing/recording-logger.js";
import { createClockSkewMonitor } from "./clock-skew-monitor.js";
import { isBeyondSkew, measureClockOffset } from "./measure-clock-offset.js";

/** A clock that answers the given times in turn, to place the send and receive of one round trip. */
const steppedClock = (...times: number[]): Pick<Clock, "now"> => ({ now: () => times.shift() ?? Number.NaN });

/** Lets every pending promise chain run: a measurement schedules the next one only once it has ended. */
const flush = async (): Promise<void> => {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
};

/** Moves the clock on interval by interval, letting each measurement end before the next. */
async function pass(clock: ManualClock, ms: number, intervals = 1): Promise<void> {
  for (let interval = 0; interval < intervals; interval += 1) {
    await clock.advance(ms);
    await flush();
  }
}

/** A reference clock `aheadMs` ahead of the manual clock, that can be made to fail. */
function referenceOf(clock: Clock) {
  const reference = { aheadMs: 0, failing: false, reads: 0 };
  const read = async () => {
    reference.reads += 1;
    if (reference.failing) throw new StoreUnavailableError("The database did not answer.");
    return new Date(clock.now() + reference.aheadMs);
  };
  return { reference, read };
}

describe("measureClockOffset", () => {
  it("takes the reference minus the midpoint of the round trip, with half the round trip as uncertainty", async () => {
    const offset = await measureClockOffset(async () => new Date(10_000), steppedClock(1_000, 1_200));
    expect(offset).toEqual({ offsetMs: 8_900, uncertaintyMs: 100, measuredAt: 1_200 });
    const ahead = await measureClockOffset(async () => new Date(1_000), steppedClock(61_000, 61_040));
    expect(ahead).toEqual({ offsetMs: -60_020, uncertaintyMs: 20, measuredAt: 61_040 });
  });

  it("counts a clock stepped back during the round trip as a round trip of zero", async () => {
    expect(await measureClockOffset(async () => new Date(5_000), steppedClock(2_000, 1_000))).toEqual({ offsetMs: 3_000, uncertaintyMs: 0, measuredAt: 1_000 });
  });

  it("rejects an answer that is not a valid date, and passes on the reference's own failure", async () => {
    await expect(measureClockOffset(async () => new Date(Number.NaN), steppedClock(1, 2))).rejects.toThrow(RangeError);
    await expect(measureClockOffset(async () => "2026-01-01" as unknown as Date, steppedClock(1, 2))).rejects.toThrow(RangeError);
    await expect(measureClockOffset(async () => Promise.reject(new StoreUnavailableError("down")), steppedClock(1, 2))).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
  });

  it("calls a clock skewed only when the offset exceeds the maximum by more than its uncertainty", () => {
    expect(isBeyondSkew({ offsetMs: 5_500, uncertaintyMs: 400, measuredAt: 0 }, 5_000)).toBe(true);
    expect(isBeyondSkew({ offsetMs: -5_500, uncertaintyMs: 400, measuredAt: 0 }, 5_000)).toBe(true);
    expect(isBeyondSkew({ offsetMs: 5_500, uncertaintyMs: 500, measuredAt: 0 }, 5_000)).toBe(false);
    expect(isBeyondSkew({ offsetMs: -5_500, uncertaintyMs: 600, measuredAt: 0 }, 5_000)).toBe(false);
  });
});

describe("createClockSkewMonitor", () => {
  it("measures at start and every interval, keeps the latest measurement and reports each one", async () => {
    const clock = createManualClock();
    const { reference, read } = referenceOf(clock);
    const reported: Array<[number, boolean]> = [];
    const monitor = createClockSkewMonitor({ readReferenceTime: read, clock, maxSkewMs: 5_000, intervalMs: 30_000, onMeasurement: (offset, skewed) => reported.push([offset.offsetMs, skewed]) });
    expect(monitor.latest()).toBeNull();
    expect(monitor.isSkewed()).toBe(false);
    monitor.start();
    await pass(clock, 0);
    expect(monitor.latest()).toEqual({ offsetMs: 0, uncertaintyMs: 0, measuredAt: clock.now() });
    reference.aheadMs = -60_000;
    await pass(clock, 29_999);
    expect(reference.reads).toBe(1);
    await pass(clock, 1);
    expect(reference.reads).toBe(2);
    expect(monitor.isSkewed()).toBe(true);
    expect(monitor.latest()?.offsetMs).toBe(-60_000);
    reference.aheadMs = 4_000;
    await pass(clock, 30_000);
    expect(monitor.isSkewed()).toBe(false);
    expect(reported).toEqual([
      [0, false],
      [-60_000, true],
      [4_000, false],
    ]);
    await monitor.stop();
    await pass(clock, 30_000, 3);
    expect(reference.reads).toBe(3);
  });

  it("lets a measurement taken just before start stand for the start's own", async () => {
    const clock = createManualClock();
    const { reference, read } = referenceOf(clock);
    const monitor = createClockSkewMonitor({ readReferenceTime: read, clock, maxSkewMs: 5_000, intervalMs: 30_000 });
    await monitor.measure();
    monitor.start();
    await pass(clock, 0);
    expect(reference.reads).toBe(1);
    await pass(clock, 30_000);
    expect(reference.reads).toBe(2);
    await monitor.stop();
  });

  it("keeps the last state through failed measurements, skewed or not, and measures again at the next interval", async () => {
    const clock = createManualClock();
    const { reference, read } = referenceOf(clock);
    const logger = createRecordingLogger();
    const monitor = createClockSkewMonitor({ readReferenceTime: read, clock, maxSkewMs: 5_000, logger });
    reference.aheadMs = 10_000;
    monitor.start();
    await pass(clock, 0);
    const skewedMeasurement = monitor.latest();
    expect(monitor.isSkewed()).toBe(true);
    reference.failing = true;
    await pass(clock, 30_000, 2);
    expect(reference.reads).toBe(3);
    expect(monitor.isSkewed()).toBe(true);
    expect(monitor.latest()).toBe(skewedMeasurement);
    expect(await monitor.measure()).toBeNull();
    expect(logger.lines.filter((line) => line.level === "warn" && line.message?.includes("could not be measured"))).toHaveLength(3);

    reference.failing = false;
    reference.aheadMs = 0;
    await pass(clock, 30_000);
    expect(monitor.isSkewed()).toBe(false);
    reference.failing = true;
    await pass(clock, 30_000);
    expect(monitor.isSkewed()).toBe(false);
    expect(monitor.latest()?.offsetMs).toBe(0);
    await monitor.stop();
  });

  it("goes on measuring when the listener throws", async () => {
    const clock = createManualClock();
    const { reference, read } = referenceOf(clock);
    const logger = createRecordingLogger();
    const monitor = createClockSkewMonitor({
      readReferenceTime: read,
      clock,
      maxSkewMs: 1_000,
      logger,
      onMeasurement: () => {
        throw new Error("listener broke");
      },
    });
    monitor.start();
    await pass(clock, 0);
    await pass(clock, 30_000, 2);
    expect(reference.reads).toBe(3);
    expect(logger.lines.filter((line) => line.message === "a clock offset listener failed")).toHaveLength(3);
    await monitor.stop();
  });

  it("refuses a maximum or an interval that is not a positive number", () => {
    const read = async () => new Date();
    for (const maxSkewMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createClockSkewMonitor({ readReferenceTime: read, maxSkewMs })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID" }));
    }
    expect(() => createClockSkewMonitor({ readReferenceTime: read, maxSkewMs: 1_000, intervalMs: 0 })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID" }));
    expect(() => createClockSkewMonitor({ readReferenceTime: undefined as never, maxSkewMs: 1_000 })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID" }));
  });
});
