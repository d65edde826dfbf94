import type { Clock, RunStore } from "@neonhub/core";
import type { HealthCheck } from "../routes/operations-routes.js";

/** Stale runs read at most per check: enough to say "this many or more". */
const STALE_RUNS_READ = 100;

/**
 * A health check that fails while any run has been `QUEUED` for longer than `alertAfterMs`: work was accepted
 * and nothing is executing it (workers down, or a queue that lost it and was not reconciled).
 */
export function queuedRunsHealthCheck(store: Pick<RunStore, "listQueuedRuns">, alertAfterMs: number, clock: Pick<Clock, "now">): HealthCheck {
  return async () => {
    const stale = await store.listQueuedRuns({ createdBefore: new Date(clock.now() - alertAfterMs), limit: STALE_RUNS_READ });
    const oldest = stale[0];
    if (!oldest) return;
    const count = stale.length === STALE_RUNS_READ ? `${STALE_RUNS_READ} or more runs` : stale.length === 1 ? "1 run" : `${stale.length} runs`;
    throw new Error(`${count} queued for more than ${Math.round(alertAfterMs / 1_000)} s, the oldest since ${oldest.createdAt.toISOString()}`);
  };
}
