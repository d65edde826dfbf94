/**
 * What a schedule does with ticks it missed while no scheduler was running (every host down, or the schedule's
 * tick found later than the scheduler's tolerance; ticks found within it always run):
 * - `latest`: start one run, for the most recent missed tick (none when a tick on time runs), then continue with the
 *   next future tick (default);
 * - `none`: start nothing for missed ticks; continue with the next future tick;
 * - `all`: start one run per missed tick, oldest first, at most {@link MAX_CATCH_UP_TICKS} (the most recent ones).
 */
export const CATCH_UP_POLICIES = ["latest", "none", "all"] as const;

/** One of {@link CATCH_UP_POLICIES}. */
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/** Runs the `all` policy starts at most for one schedule after downtime. */
export const MAX_CATCH_UP_TICKS = 24;

/** A cron schedule that starts runs of one agent for one organization. */
export interface Schedule {
  id: string;
  organizationId: string;
  agentName: string;
  /** Five-field cron expression (minute hour day-of-month month day-of-week) or a nickname such as `@daily`. */
  cron: string;
  /** IANA time zone the expression is read in, such as `Europe/Berlin` or `UTC`. */
  timeZone: string;
  /** The input of every run it starts (validated against the agent's input schema when the schedule is saved). */
  input: unknown;
  /** A disabled schedule starts nothing; enabling it again continues from the next future tick. */
  enabled: boolean;
  catchUp: CatchUpPolicy;
  /** The next tick to run. */
  nextRunAt: Date;
  /** The last tick a scheduler claimed, or null. */
  lastTickAt: Date | null;
  /** The user whose runs the schedule starts (the one who created it). */
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}
