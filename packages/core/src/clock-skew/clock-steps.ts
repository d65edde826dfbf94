import type { Clock } from "../ports/clock.js";
import { systemClock } from "../telemetry/system-clock.js";
import type { ClockOffset } from "./measure-clock-offset.js";

/**
 * Steps of the watched clock smaller than this, against the monotonic clock, wait for the next measurement: NTP
 * slews a clock by at most 0.5 ms a second (15 ms over the host's 30 s), and the two clocks are read a moment apart.
 */
export const CLOCK_STEP_TOLERANCE_MS = 100;

/** The monotonic clock to compare `clock` with: the process's own for the system clock, none for another. */
export function defaultMonotonicNow(clock: Clock | undefined): (() => number) | undefined {
  return clock === undefined || clock === systemClock ? () => performance.now() : undefined;
}

/**
 * Follows how far the watched clock has stepped since the last measurement, by comparing it with a monotonic clock
 * (one that no one sets: `performance.now()`). An administrator or NTP setting the time moves the watched clock and
 * not the monotonic one, so the offset measured before the step is off by exactly the step until the next
 * measurement; carried forward by it, the offset is right at once.
 */
export function createClockStepTracker(clock: Pick<Clock, "now">, monotonicNow: (() => number) | undefined) {
  let anchor: number | undefined;
  const stepMs = (): number => {
    if (monotonicNow === undefined || anchor === undefined) return 0;
    const step = clock.now() - monotonicNow() - anchor;
    return Math.abs(step) < CLOCK_STEP_TOLERANCE_MS ? 0 : step;
  };
  return {
    /** Marks the moment of a measurement: steps count from it. */
    measured(): void {
      if (monotonicNow !== undefined) anchor = clock.now() - monotonicNow();
    },
    /** The offset a measurement stands for now: less any step the watched clock took since (ahead by it if forward). */
    carryForward(offset: ClockOffset | null): ClockOffset | null {
      const step = stepMs();
      return offset === null || step === 0 ? offset : { ...offset, offsetMs: offset.offsetMs - step };
    },
  };
}
