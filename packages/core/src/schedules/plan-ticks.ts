import { MAX_CATCH_UP_TICKS, type CatchUpPolicy } from "../model/schedule.js";
import type { CronExpression } from "./cron-expression.js";

/** What a scheduler does with a due schedule: the ticks to start runs for, and the schedule's next tick. */
export interface TickPlan {
  /** Ticks to start a run for, oldest first; empty when the catch-up policy skips them all. */
  ticks: Date[];
  /** The first tick after `now`, or null when the expression fires no more. */
  nextRunAt: Date | null;
}

/** Options of {@link planTicks}. */
export interface PlanTicksInput {
  expression: CronExpression;
  /** The schedule's due tick (`nextRunAt`), at or before `now`. */
  dueAt: Date;
  now: Date;
  catchUp: CatchUpPolicy;
  /** A due tick found at most this late is on time, whatever the policy; later ones count as missed. */
  lateToleranceMs: number;
}

/**
 * Decides which ticks of a due schedule to run. Every tick found within the tolerance (from `dueAt` up to `now`) is
 * on time and runs, whatever the policy; older ones were missed, after downtime, and follow the schedule's catch-up
 * policy. At most {@link MAX_CATCH_UP_TICKS} ticks, the most recent, are considered.
 */
export function planTicks(input: PlanTicksInput): TickPlan {
  const { expression, dueAt, now, catchUp } = input;
  const nextRunAt = expression.nextAfter(now);
  // Ticks that came due after `dueAt`, up to now, oldest first (dueAt itself is older still).
  const later = expression
    .previousBefore(new Date(now.getTime() + 1), MAX_CATCH_UP_TICKS)
    .filter((tick) => tick.getTime() > dueAt.getTime())
    .reverse();
  const due = later.length < MAX_CATCH_UP_TICKS ? [dueAt, ...later] : later;
  const onTime = due.filter((tick) => now.getTime() - tick.getTime() <= input.lateToleranceMs);
  switch (catchUp) {
    case "none":
      return { ticks: onTime, nextRunAt };
    case "all":
      return { ticks: due, nextRunAt };
    default:
      // A tick on time stands for the missed ones before it; without one, the most recent missed tick runs.
      return { ticks: onTime.length > 0 ? onTime : due.slice(-1), nextRunAt };
  }
}
