import { Cron } from "croner";
import { InvalidScheduleError } from "../errors/schedule-errors.js";
import type { FieldError } from "../errors/errors.js";

/** Longest cron expression and time zone name accepted. */
const MAX_CRON_LENGTH = 200;
const MAX_TIME_ZONE_LENGTH = 100;

/**
 * A parsed cron expression in a time zone. Only five-field expressions (and nicknames such as `@daily`) are
 * accepted: their precision is the minute, so a schedule fires at most once a minute.
 */
export interface CronExpression {
  readonly cron: string;
  readonly timeZone: string;
  /** The first tick strictly after `instant`, or null when there is none. */
  nextAfter(instant: Date): Date | null;
  /** Up to `count` ticks strictly before `instant`, most recent first. */
  previousBefore(instant: Date, count: number): Date[];
}

/** True when `timeZone` is an IANA time zone name the runtime knows (`UTC` included). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses a schedule's cron expression in its time zone.
 * @throws InvalidScheduleError naming the field (`cron` or `timeZone`) that is wrong.
 */
export function parseCronExpression(cron: unknown, timeZone: unknown, now: Date = new Date()): CronExpression {
  const problems: FieldError[] = [];
  if (typeof timeZone !== "string" || timeZone.length === 0 || timeZone.length > MAX_TIME_ZONE_LENGTH || !isKnownTimeZone(timeZone)) {
    problems.push({ path: "timeZone", message: "Must be an IANA time zone name, such as Europe/Berlin or UTC" });
  }
  if (typeof cron !== "string" || cron.trim().length === 0 || cron.length > MAX_CRON_LENGTH) {
    problems.push({ path: "cron", message: `Must be a cron expression of at most ${MAX_CRON_LENGTH} characters` });
  }
  if (problems.length > 0) throw new InvalidScheduleError(`The schedule is invalid: ${problems.map((problem) => problem.path).join(", ")}.`, problems);
  let job: Cron;
  try {
    // A time made only of plain numbers, lists and ranges (no * or / in the minute and hour) is a fixed time, as in
    // Vixie cron: on the day it does not exist it fires once, after the jump, and when it happens twice, once.
    // croner's default counts a list (0,30) as a wildcard, so such a schedule lost the day or fired twice.
    job = new Cron((cron as string).trim(), { paused: true, mode: "5-part", timezone: timeZone as string, fixedTimeRule: "no-wildcard" });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, "") : "not a cron expression";
    throw new InvalidScheduleError(`The cron expression "${String(cron)}" is invalid: ${reason}`, [{ path: "cron", message: `Must be a five-field cron expression (minute hour day-of-month month day-of-week): ${reason}` }], { cause: error });
  }
  if (job.nextRun(now) === null) {
    throw new InvalidScheduleError(`The cron expression "${String(cron)}" never fires.`, [{ path: "cron", message: "Never matches a date" }]);
  }
  return {
    cron: (cron as string).trim(),
    timeZone: timeZone as string,
    nextAfter: (instant) => job.nextRun(instant),
    // croner counts whole seconds and leaves out a tick in the same second as the instant (00:04:00 before
    // 00:04:00.500): ask from a second later and keep the ticks strictly before the instant.
    previousBefore: (instant, count) =>
      job
        .previousRuns(count + 1, new Date(instant.getTime() + 1_000))
        .filter((tick) => tick.getTime() < instant.getTime())
        .slice(0, count),
  };
}
