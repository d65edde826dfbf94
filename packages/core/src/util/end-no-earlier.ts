/**
 * The time something that began at `startedAt` ended, read as `now`, never before its start. A clock can step back
 * between the two readings (NTP, a reference clock moving to a new measurement of its offset, or another host's
 * clock having stamped the start), which would otherwise store an end before the start and a negative duration.
 */
export function endNoEarlierThan(startedAt: number, now: number): number {
  return Math.max(startedAt, now);
}
