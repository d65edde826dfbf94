import type { Clock } from "../ports/clock.js";

/** How far this process's clock is from a reference clock, measured over one round trip. */
export interface ClockOffset {
  /**
   * Reference time minus this process's time, in milliseconds: positive when this clock is behind the reference,
   * negative when it runs ahead.
   */
  offsetMs: number;
  /** Half the round trip: the reference was read at some instant within `offsetMs ± uncertaintyMs` of this clock. */
  uncertaintyMs: number;
  /** This process's time (`clock.now()`) when the answer came back. */
  measuredAt: number;
}

/** Reads the reference clock (for example the shared database's); rejects when it cannot be read. */
export type ReadReferenceTime = () => Promise<Date>;

/**
 * Measures this process's clock against a reference clock from one round trip, as NTP does with one sample: the
 * reference was read somewhere between the local send and receive times, so the offset is the reference time minus
 * their midpoint, and half the round trip bounds its error.
 * @throws whatever `readReferenceTime` rejects with; a `RangeError` when it answers something that is not a valid date.
 * @example
 * const offset = await measureClockOffset(() => database.readDatabaseTime(), systemClock);
 * if (Math.abs(offset.offsetMs) - offset.uncertaintyMs > 5_000) logger.warn(offset, "clock skewed");
 */
export async function measureClockOffset(readReferenceTime: ReadReferenceTime, clock: Pick<Clock, "now">): Promise<ClockOffset> {
  const sentAt = clock.now();
  const reference = await readReferenceTime();
  const receivedAt = clock.now();
  const referenceMs = reference instanceof Date ? reference.getTime() : Number.NaN;
  if (!Number.isFinite(referenceMs)) throw new RangeError("The reference clock answered something that is not a valid date.");
  // A clock stepped back during the round trip would give a negative duration: it is then no wider than zero.
  const roundTripMs = Math.max(0, receivedAt - sentAt);
  return { offsetMs: referenceMs - (sentAt + roundTripMs / 2), uncertaintyMs: roundTripMs / 2, measuredAt: receivedAt };
}

/** Whether a measurement shows the clock off by more than `maxSkewMs`, whatever the error of the measurement. */
export function isBeyondSkew(offset: ClockOffset, maxSkewMs: number): boolean {
  return Math.abs(offset.offsetMs) - offset.uncertaintyMs > maxSkewMs;
}
