import { RunNotFoundError, TimeoutError, ValidationError } from "../errors/errors.js";
import type { AgentRun } from "../model/agent-run.js";
import { isFinalRunStatus } from "../model/run-status.js";
import type { Clock } from "../ports/clock.js";
import type { RunStore } from "../ports/run-store.js";
import type { WaitForRunOptions } from "../orchestrator-types.js";
import { shownValue } from "../policies/check-policy-overrides.js";
import type { ActiveRuns } from "./active-runs.js";
import { invalid, shapeProblem } from "./check-call-options.js";
import type { RunEndWatchers } from "./run-end-watchers.js";

const DEFAULT_WAIT_FOR_RUN_MS = 60_000;
/** Looks at the store for a run executing elsewhere start this often and back off to {@link MAX_LOOK_INTERVAL_MS}. */
const FIRST_LOOK_INTERVAL_MS = 50;
const MAX_LOOK_INTERVAL_MS = 1_000;

const WAIT_OPTIONS: ReadonlySet<string> = new Set(["timeoutMs", "signal"]);

export interface WaitForRunDependencies {
  store: RunStore;
  clock: Clock;
  active: ActiveRuns;
  watchers: RunEndWatchers;
}

function checkWaitOptions(runId: unknown, options: unknown): ValidationError | undefined {
  if (typeof runId !== "string" || runId.length === 0) return new ValidationError("waitForRun needs a run id: a non-empty string.", [{ path: "runId", message: "Must be a non-empty string" }]);
  const call = { what: "waitForRun of run", name: runId };
  const problem = shapeProblem(call, options, WAIT_OPTIONS);
  if (problem !== undefined) return problem;
  const { timeoutMs, signal } = options as WaitForRunOptions;
  if (timeoutMs !== undefined && !(Number.isSafeInteger(timeoutMs) && timeoutMs > 0)) {
    return invalid(call, "timeoutMs", `timeoutMs must be a positive integer of milliseconds, got ${shownValue(timeoutMs)}`, "Must be a positive integer");
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) return invalid(call, "signal", `signal must be an AbortSignal, got ${shownValue(signal)}`, "Must be an AbortSignal");
  return undefined;
}

/**
 * Resolves with the run once it has ended. A run executing in this process is seen ending at once; one executing
 * elsewhere (another host, a worker) at the next look at the store, every 50 ms at first and every second at most,
 * or at once when the host hears of its end and calls `wakeRunWaiters`.
 */
export async function waitForRunEnd(dependencies: WaitForRunDependencies, organizationId: string, runId: string, options: WaitForRunOptions = {}): Promise<AgentRun> {
  const problem = checkWaitOptions(runId, options);
  if (problem) throw problem;
  const { store, clock } = dependencies;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_FOR_RUN_MS;
  const deadline = clock.now() + timeoutMs;
  for (let interval = FIRST_LOOK_INTERVAL_MS; ; interval = Math.min(MAX_LOOK_INTERVAL_MS, interval * 2)) {
    options.signal?.throwIfAborted();
    const run = await store.getRun(organizationId, runId);
    if (run === null) throw new RunNotFoundError(runId);
    if (isFinalRunStatus(run.status)) return run;
    const remainingMs = deadline - clock.now();
    if (remainingMs <= 0) {
      throw new TimeoutError(`Run ${runId} is still ${run.status} after waiting ${timeoutMs} ms for its end.`, { runId, isRetryable: true, details: { status: run.status } });
    }
    await nextLook(dependencies, runId, Math.min(interval, remainingMs), remainingMs, options.signal);
  }
}

/**
 * Resolves when the run stops executing here or ends here, or when the next look at the store is due, whichever
 * comes first; rejects when `signal` aborts. A run executing here is not looked at again before its execution
 * stops (it ends, waits, or went on elsewhere), so a long run adds one callback to its execution, not one a second.
 */
function nextLook({ clock, active, watchers }: WaitForRunDependencies, runId: string, lookDelayMs: number, remainingMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const cleanups: Array<() => void> = [];
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      if (error === undefined) resolve();
      else reject(error);
    };
    // Checked and registered in one turn: a run starting to execute afterwards sees the watcher and reports its end.
    const executing = active.get(runId);
    if (executing) void executing.done.then(() => settle());
    else {
      const stopWatching = watchers.watch(runId, () => settle());
      if (stopWatching) cleanups.push(stopWatching);
    }
    cleanups.push(clock.schedule(executing ? remainingMs : lookDelayMs, () => settle()));
    if (signal?.aborted) settle(signal.reason);
    else if (signal) {
      const onAbort = () => settle(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
  });
}
