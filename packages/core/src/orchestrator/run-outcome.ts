import { CancelledError, HandlerFailedError, TimeoutError } from "../errors/errors.js";
import type { ErrorCode } from "../errors/error-codes.js";
import { NeonhubError } from "../errors/neonhub-error.js";
import type { AgentRun, StoredError } from "../model/agent-run.js";
import type { FinalRunStatus } from "../model/run-status.js";
import type { Redactor } from "../telemetry/redactor.js";
import { toStorableText } from "../util/storable-value.js";

/** How a failed run ends. */
export interface FailureOutcome {
  status: FinalRunStatus;
  statusReason: string;
  error: NeonhubError;
  stored: StoredError;
}

/** The `statusReason` of a run that failed with each code, when nothing more specific applies. */
export const STATUS_REASONS: Readonly<Record<ErrorCode, string>> = Object.freeze({
  VALIDATION_FAILED: "call_invalid",
  UNAUTHORIZED: "unauthorized",
  AGENT_NOT_FOUND: "handler_failed",
  RUN_NOT_FOUND: "handler_failed",
  RATE_LIMITED: "rate_limited",
  CIRCUIT_OPEN: "circuit_open",
  TIMEOUT: "timeout",
  CANCELLED: "cancelled",
  IDEMPOTENCY_CONFLICT: "handler_failed",
  HANDLER_FAILED: "handler_failed",
  UPSTREAM_FAILED: "upstream_failed",
  STORE_UNAVAILABLE: "store_unavailable",
  NON_DETERMINISTIC: "non_deterministic",
  STEP_OUTCOME_UNKNOWN: "step_outcome_unknown",
  LEASE_LOST: "lease_lost",
  SIGNAL_CONFLICT: "handler_failed",
  CONTENT_REFUSED: "content_refused",
  CHILD_RUN_FAILED: "child_run_failed",
  CHILD_RUN_LIMIT: "child_run_limit",
  TAKEOVER_LIMIT: "takeover_limit",
  CONFIGURATION_INVALID: "configuration_invalid",
  INVALID_SCHEDULE: "handler_failed",
  SCHEDULE_NOT_FOUND: "handler_failed",
  ALREADY_EXISTS: "handler_failed",
});

/** Reason of a run whose handler returned output that does not match its agent's output schema. */
export const OUTPUT_INVALID_REASON = "output_invalid";
/** `details.source` of the validation error of a handler's output, which no call inside the handler raises. */
export const OUTPUT_SOURCE = "output";
/** Reason of a run whose call timed out on its own deadline, while the run's deadline had not passed. */
export const CALL_TIMEOUT_REASON = "call_timeout";
/** Reason of a run failed by a connector that refused the connection's credentials (expired, revoked). */
export const CONNECTION_UNAUTHORIZED_REASON = "connection_unauthorized";

function reasonOf(error: NeonhubError, fromRunAbort: boolean): string {
  if (error.code === "CANCELLED" && typeof error.details?.reason === "string") return error.details.reason;
  if (error.code === "TIMEOUT" && !fromRunAbort) return CALL_TIMEOUT_REASON;
  if (error.code === "VALIDATION_FAILED" && error.details?.source === OUTPUT_SOURCE) return OUTPUT_INVALID_REASON;
  // Connectors name themselves in the details of the errors they raise; a caller that is not allowed has none.
  if (error.code === "UNAUTHORIZED" && typeof error.details?.connector === "string") return CONNECTION_UNAUTHORIZED_REASON;
  return STATUS_REASONS[error.code] ?? "handler_failed";
}

/** Turns whatever ended a run into its final status and a NeonHub error carrying the run id. */
export function failureOutcome(thrown: unknown, abortReason: unknown, runId: string, redactor: Redactor): FailureOutcome {
  // An abort explains the failure better than the error the handler threw when it noticed the abort.
  const fromRunAbort = NeonhubError.isInstance(abortReason);
  const cause = fromRunAbort ? abortReason : thrown;
  const error = NeonhubError.isInstance(cause)
    ? cause
    : new HandlerFailedError(redactor.redactText(cause instanceof Error ? cause.message : String(cause)), { cause });
  error.runId = runId;
  // Only the run's own deadline times the run out; a call that timed out (and was not retried away) fails it.
  const status: FinalRunStatus = error.code === "TIMEOUT" ? (fromRunAbort ? "TIMED_OUT" : "FAILED") : error.code === "CANCELLED" ? "CANCELLED" : "FAILED";
  return { status, statusReason: reasonOf(error, fromRunAbort), error, stored: { code: error.code, message: toStorableText(redactor.redactText(error.message)) } };
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
