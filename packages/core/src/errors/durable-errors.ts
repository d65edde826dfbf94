import { ERROR_CODES } from "./error-codes.js";
import { NeonhubError, type NeonhubErrorOptions } from "./neonhub-error.js";

/**
 * A replayed handler asked, at a journaled position, for a different step than the journal holds (or the run's
 * agent version changed while it was in flight). The run fails instead of silently taking another path.
 */
export class NonDeterministicError extends NeonhubError {
  constructor(message: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.NON_DETERMINISTIC, message, options);
    this.name = "NonDeterministicError";
  }
}

/**
 * A step that is not safe to repeat may or may not have taken effect (a timeout or a connection lost after the
 * request was sent, or a process that died during the call). It is not repeated blindly: the run fails, naming
 * the step, for a person to check.
 */
export class StepOutcomeUnknownError extends NeonhubError {
  readonly stepKey: string | undefined;
  constructor(message: string, options: NeonhubErrorOptions & { stepKey?: string } = {}) {
    super(ERROR_CODES.STEP_OUTCOME_UNKNOWN, message, { ...options, isRetryable: false, details: { ...options.details, ...(options.stepKey ? { stepKey: options.stepKey } : {}) } });
    this.name = "StepOutcomeUnknownError";
    this.stepKey = options.stepKey;
  }
}

/** Another executor took the run over (its lease had expired): this one must stop, and its writes are refused. */
export class LeaseLostError extends NeonhubError {
  constructor(runId: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.LEASE_LOST, `Run "${runId}" is now owned by another executor; this one stopped.`, { ...options, runId });
    this.name = "LeaseLostError";
  }
}

/** A signal of that name was already delivered to the run, or the run has ended and takes no more signals. */
export class SignalConflictError extends NeonhubError {
  constructor(runId: string, message: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.SIGNAL_CONFLICT, message, { ...options, runId });
    this.name = "SignalConflictError";
  }
}

/** How a child run ended, as `ctx.runAgent` saw it. */
export interface ChildRunEnding {
  childRunId: string;
  agentName: string;
  status: string;
  error: { code: string; message: string } | null;
}

/**
 * A child run (`ctx.runAgent`) ended without completing: failed, timed out or cancelled. Not retryable: the child
 * ran its own retries, and starting it again would repeat what it did. `details` name the child and its error.
 */
export class ChildRunFailedError extends NeonhubError {
  readonly childRunId: string;
  constructor(ending: ChildRunEnding, options: NeonhubErrorOptions = {}) {
    const cause = ending.error ? `: ${ending.error.code}: ${ending.error.message}` : "";
    super(ERROR_CODES.CHILD_RUN_FAILED, `Child run ${ending.childRunId} of agent "${ending.agentName}" ended ${ending.status}${cause}`, {
      ...options,
      isRetryable: false,
      details: { ...options.details, childRunId: ending.childRunId, agentName: ending.agentName, status: ending.status, childError: ending.error },
    });
    this.name = "ChildRunFailedError";
    this.childRunId = ending.childRunId;
  }
}

/**
 * A run asked for a child run past a limit of child run trees: deeper than `MAX_CHILD_RUN_DEPTH`, or more than
 * `MAX_CHILD_RUNS_PER_RUN` children of one run. Not retryable: the handler would ask again. `details.limit` says
 * which (`depth` or `count`).
 */
export class ChildRunLimitError extends NeonhubError {
  constructor(message: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.CHILD_RUN_LIMIT, message, { ...options, isRetryable: false });
    this.name = "ChildRunLimitError";
  }
}

/**
 * A run was taken over more times than the orchestrator's `durability.maxTakeovers` after its executor stopped
 * renewing its lease: it may be what brings its executors down (a handler that exhausts memory, blocks the event
 * loop or exits), so it is not executed again. Not retryable. `details` give `takeovers` and `maxTakeovers`.
 */
export class TakeoverLimitError extends NeonhubError {
  constructor(run: { id: string; agentName: string; takeovers: number }, maxTakeovers: number, options: NeonhubErrorOptions = {}) {
    super(
      ERROR_CODES.TAKEOVER_LIMIT,
      `Run ${run.id} of agent "${run.agentName}" was taken over ${run.takeovers} ${run.takeovers === 1 ? "time" : "times"} after its executor stopped renewing its lease (at most ${maxTakeovers}); it may be what stops its executors (memory exhausted, an event loop blocked past the lease, an exit), so it is not executed again.`,
      { ...options, runId: run.id, isRetryable: false, details: { ...options.details, takeovers: run.takeovers, maxTakeovers } },
    );
    this.name = "TakeoverLimitError";
  }
}
