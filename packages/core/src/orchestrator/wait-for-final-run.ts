import { TimeoutError } from "../errors/errors.js";
import type { AgentRun } from "../model/agent-run.js";
import { isFinalRunStatus } from "../model/run-status.js";
import type { Clock } from "../ports/clock.js";
import type { RunStore } from "../ports/run-store.js";

const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 1_000;

/** What a caller waiting on a run can be answered with: a final run, or one that waits durably (as its first caller got). */
const isAnswerable = (run: AgentRun): boolean => run.status === "WAITING" || isFinalRunStatus(run.status);

/**
 * Waits until a run that another call (here or in another process) is executing reaches a final status or
 * begins to wait durably (`WAITING`, what the first caller was answered with): on the local promise when this
 * process runs it, else by polling the store with backoff.
 */
export async function waitForFinalRun(store: RunStore, clock: Clock, run: AgentRun, localDone: Promise<unknown> | undefined, maxWaitMs: number): Promise<AgentRun> {
  if (localDone) {
    await localDone;
    const finished = await store.getRun(run.organizationId, run.id);
    if (finished && isAnswerable(finished)) return finished;
  }
  const deadline = clock.now() + maxWaitMs;
  for (let delay = FIRST_POLL_MS; clock.now() < deadline; delay = Math.min(MAX_POLL_MS, delay * 2)) {
    await clock.sleep(delay);
    const current = await store.getRun(run.organizationId, run.id);
    if (current && isAnswerable(current)) return current;
  }
  throw new TimeoutError(`Run ${run.id} with the same idempotency key is still ${run.status}; retry later.`, { runId: run.id, isRetryable: true });
}
