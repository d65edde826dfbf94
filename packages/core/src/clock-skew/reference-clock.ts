import type { Clock } from "../ports/clock.js";
import type { ClockOffset } from "./measure-clock-offset.js";

/**
 * The correction a measurement vouches for: its offset, rounded to the millisecond, when the offset is larger than
 * its uncertainty; 0 when it is not. Within its uncertainty a measurement cannot tell this clock from the reference,
 * so a clock kept in step (by NTP) goes by its own time rather than by the noise of one round trip.
 */
export function correctionOf(offset: ClockOffset | null): number {
  if (offset === null || Math.abs(offset.offsetMs) <= offset.uncertaintyMs) return 0;
  return Math.round(offset.offsetMs);
}

/**
 * A clock that reads `clock` plus the correction of the latest measurement (see {@link correctionOf}): the reference
 * clock's time as this process best knows it. Its timers and sleeps are `clock`'s, since an offset moves the time
 * of day, not the length of a wait.
 */
export function createReferenceClock(clock: Clock, latest: () => ClockOffset | null): Clock {
  return {
    now: () => clock.now() + correctionOf(latest()),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    schedule: (ms, callback) => clock.schedule(ms, callback),
  };
}
