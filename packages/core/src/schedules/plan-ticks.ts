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
 * Decides which ticks of a due schedule to run. A tick found within the tolerance is simply run; after downtime,
 * the missed ticks (from `dueAt` up to `now`) follow the schedule's catch-up policy.
 */
export function planTicks(input: PlanTicksInput): TickPlan {
  const { expression, dueAt, now, catchUp } = input;
  const nextRunAt = expression.nextAfter(now);
  // Ticks that came due after `dueAt`, up to now, most recent first (dueAt itself is the oldest).
  const later = expression.previousBefore(new Date(now.getTime() + 1), MAX_CATCH_UP_TICKS).filter((tick) => tick.getTime() > dueAt.getTime());
  const latest = later[0] ?? dueAt;
  if (now.getTime() - latest.getTime() <= input.lateToleranceMs && later.length === 0) return { ticks: [dueAt], nextRunAt };
  switch (catchUp) {
    case "none":
      // Only a tick that is on time still runs.
      return { ticks: now.getTime() - latest.getTime() <= input.lateToleranceMs ? [latest] : [], nextRunAt };
    case "all": {
      const missed = later.length < MAX_CATCH_UP_TICKS ? [dueAt, ...[...later].reverse()] : [...later].reverse();
      return { ticks: missed, nextRunAt };
    }
    default:
      return { ticks: [latest], nextRunAt };
  }
}
