import { CancelledError, HandlerFailedError, TimeoutError } from "../errors/errors.js";
import type { ErrorCode } from "../errors/error-codes.js";
import { NeonhubError } from "../errors/neonhub-error.js";
import type { AgentRun, StoredError } from "../model/agent-run.js";
import type { FinalRunStatus } from "../model/run-status.js";
import type { Redactor } from "../telemetry/redactor.js";

/** How a failed run ends. */
export interface FailureOutcome {
  status: FinalRunStatus;
  statusReason: string;
  error: NeonhubError;
  stored: StoredError;
}

const REASONS: Partial<Record<ErrorCode, string>> = {
  TIMEOUT: "timeout",
  CANCELLED: "cancelled",
  CIRCUIT_OPEN: "circuit_open",
  VALIDATION_FAILED: "output_invalid",
  RATE_LIMITED: "rate_limited",
  STORE_UNAVAILABLE: "store_unavailable",
  NON_DETERMINISTIC: "non_deterministic",
  STEP_OUTCOME_UNKNOWN: "step_outcome_unknown",
  LEASE_LOST: "lease_lost",
};

/** Turns whatever ended a run into its final status and a NeonHub error carrying the run id. */
export function failureOutcome(thrown: unknown, abortReason: unknown, runId: string, redactor: Redactor): FailureOutcome {
  // An abort explains the failure better than the error the handler threw when it noticed the abort.
  const cause = NeonhubError.isInstance(abortReason) ? abortReason : thrown;
  const error = NeonhubError.isInstance(cause)
    ? cause
    : new HandlerFailedError(redactor.redactText(cause instanceof Error ? cause.message : String(cause)), { cause });
  error.runId = runId;
  const status: FinalRunStatus = error.code === "TIMEOUT" ? "TIMED_OUT" : error.code === "CANCELLED" ? "CANCELLED" : "FAILED";
  const reason = error.code === "CANCELLED" && typeof error.details?.reason === "string" ? error.details.reason : REASONS[error.code] ?? "handler_failed";
  return { status, statusReason: reason, error, stored: { code: error.code, message: redactor.redactText(error.message) } };
}

/** The error a caller gets when replaying an idempotency key whose run did not complete. */
export function errorFromStoredRun(run: AgentRun): NeonhubError {
  const message = run.error?.message ?? `The run ended ${run.status}.`;
  const options = { runId: run.id, details: { status: run.status, replayed: true } };
  if (run.status === "TIMED_OUT") return new TimeoutError(message, options);
  if (run.status === "CANCELLED") return new CancelledError(message, options);
  const code = (run.error?.code ?? "HANDLER_FAILED") as ErrorCode;
  return new NeonhubError(code, message, options);
}
