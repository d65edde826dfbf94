/**
 * Stable error codes. They are part of the public contract: hosts map them to HTTP statuses,
 * and they are stored on failed runs, so a code is never renamed.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: "VALIDATION_FAILED",
  UNAUTHORIZED: "UNAUTHORIZED",
  AGENT_NOT_FOUND: "AGENT_NOT_FOUND",
  RUN_NOT_FOUND: "RUN_NOT_FOUND",
  RATE_LIMITED: "RATE_LIMITED",
  CIRCUIT_OPEN: "CIRCUIT_OPEN",
  TIMEOUT: "TIMEOUT",
  CANCELLED: "CANCELLED",
  IDEMPOTENCY_CONFLICT: "IDEMPOTENCY_CONFLICT",
  HANDLER_FAILED: "HANDLER_FAILED",
  UPSTREAM_FAILED: "UPSTREAM_FAILED",
  STORE_UNAVAILABLE: "STORE_UNAVAILABLE",
  CONFIGURATION_INVALID: "CONFIGURATION_INVALID",
} as const;

/** One of the stable codes in {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
