import type { AgentRun } from "../model/agent-run.js";

/** Wait before the second attempt at a tick whose run the queue refused; it doubles with each refused attempt. */
const FIRST_RETRY_DELAY_MS = 5_000;
/** Longest wait between two attempts at a refused tick. */
const MAX_RETRY_DELAY_MS = 300_000;

/**
 * The idempotency key of the run of a schedule's tick: a second attempt to start it finds the first run. When the
 * queue refused a tick's run (it ended `CANCELLED`, `queue_rejected`), the next attempt gets its number (`:2`, `:3`,
 * ...), so that it starts a run instead of finding the refused one.
 */
export function scheduleTickKey(scheduleId: string, tick: Date, attempt = 1): string {
  const key = `schedule:${scheduleId}:${tick.toISOString()}`;
  return attempt === 1 ? key : `${key}:${attempt}`;
}

/** True for a run the queue refused: it never ran, and the tick still needs one. */
export function isRefusedByQueue(run: AgentRun): boolean {
  return run.status === "CANCELLED" && run.statusReason === "queue_rejected";
}

/** Whether the attempt after `attempt`, refused by the queue at `refused.createdAt`, may start at `now`. */
export function mayRetryRefusedTick(attempt: number, refused: AgentRun, now: Date): boolean {
  const delayMs = Math.min(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
  return now.getTime() - refused.createdAt.getTime() >= delayMs;
}
