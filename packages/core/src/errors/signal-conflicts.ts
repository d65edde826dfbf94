import { SignalConflictError } from "./durable-errors.js";

/**
 * A signal sent after the run's wait for its name ended (timed out): the run would never read it, so it is not
 * kept. `details.reason` is `wait_ended`.
 */
export function signalAfterWaitConflict(runId: string, name: string): SignalConflictError {
  return new SignalConflictError(runId, `Run "${runId}" takes no signal "${name}": its wait for "${name}" ended: timed out.`, {
    details: { signal: name, reason: "wait_ended" },
  });
}

/**
 * A wait journaled as timed out while the run already holds its signal: the signal came first, so the wait
 * receives it instead. `details.reason` is `signal_sent`.
 */
export function timeoutAfterSignalConflict(runId: string, name: string): SignalConflictError {
  return new SignalConflictError(runId, `Run "${runId}" holds signal "${name}": its wait for it cannot end as timed out.`, {
    details: { signal: name, reason: "signal_sent" },
  });
}
