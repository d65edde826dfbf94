import { ERROR_CODES } from "./error-codes.js";
import { NeonhubError, type NeonhubErrorOptions } from "./neonhub-error.js";

/** One problem with a field of the request or of the agent's input or output. */
export interface FieldError {
  /** Dotted path of the field, empty for the whole value. */
  path: string;
  message: string;
}

/** The request, input or output did not match its schema. Carries field errors in `details.fieldErrors`. */
export class ValidationError extends NeonhubError {
  readonly fieldErrors: FieldError[];
  constructor(message: string, fieldErrors: FieldError[] = [], options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.VALIDATION_FAILED, message, { ...options, details: { ...options.details, fieldErrors } });
    this.name = "ValidationError";
    this.fieldErrors = fieldErrors;
  }
}

/** The caller is not identified or not allowed to run this agent. */
export class UnauthorizedError extends NeonhubError {
  constructor(message: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.UNAUTHORIZED, message, options);
    this.name = "UnauthorizedError";
  }
}

/** No agent of that name is registered. */
export class AgentNotFoundError extends NeonhubError {
  constructor(agentName: string, knownAgents: string[], options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.AGENT_NOT_FOUND, `Agent "${agentName}" is not registered. Registered agents: ${knownAgents.join(", ") || "none"}.`, options);
    this.name = "AgentNotFoundError";
  }
}

/** No run with that id exists in the caller's organization. */
export class RunNotFoundError extends NeonhubError {
  constructor(runId: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.RUN_NOT_FOUND, `Run "${runId}" was not found.`, options);
    this.name = "RunNotFoundError";
  }
}

/** Too many runs or calls; `retryAfterMs` says when to try again. */
export class RateLimitedError extends NeonhubError {
  constructor(message: string, retryAfterMs: number, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.RATE_LIMITED, message, { isRetryable: true, ...options, retryAfterMs });
    this.name = "RateLimitedError";
  }
}

/** The circuit breaker is open; `retryAfterMs` says when it half-opens. */
export class CircuitOpenError extends NeonhubError {
  constructor(target: string, retryAfterMs: number, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.CIRCUIT_OPEN, `The circuit for "${target}" is open after repeated failures.`, { ...options, retryAfterMs });
    this.name = "CircuitOpenError";
  }
}

/** The run or call took longer than its deadline. */
export class TimeoutError extends NeonhubError {
  constructor(message: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.TIMEOUT, message, options);
    this.name = "TimeoutError";
  }
}

/** The run was cancelled by its caller. */
export class CancelledError extends NeonhubError {
  constructor(message = "The run was cancelled.", options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.CANCELLED, message, options);
    this.name = "CancelledError";
  }
}

/** The idempotency key was used before with a different input. */
export class IdempotencyConflictError extends NeonhubError {
  constructor(idempotencyKey: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.IDEMPOTENCY_CONFLICT, `Idempotency key "${idempotencyKey}" was already used with a different request.`, options);
    this.name = "IdempotencyConflictError";
  }
}

/** The agent's handler (or a tool it called) failed. Set `isRetryable` for transient failures. */
export class HandlerFailedError extends NeonhubError {
  constructor(message: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.HANDLER_FAILED, message, options);
    this.name = "HandlerFailedError";
  }
}

/**
 * A provider or other remote service the run called failed (an HTTP 5xx, an unreachable host, a dropped
 * response) or refused the call for a reason of its own. Not a bug in the handler; set `isRetryable` when repeating
 * the call may succeed.
 */
export class UpstreamFailedError extends NeonhubError {
  constructor(message: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.UPSTREAM_FAILED, message, options);
    this.name = "UpstreamFailedError";
  }
}

/** A store could not reach its database, or the database refused the call for a reason other than the value. */
export class StoreUnavailableError extends NeonhubError {
  constructor(message: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.STORE_UNAVAILABLE, message, { isRetryable: true, ...options });
    this.name = "StoreUnavailableError";
  }
}

/** Options given to a factory are invalid; thrown at construction, before anything runs. */
export class ConfigurationError extends NeonhubError {
  constructor(message: string, options: NeonhubErrorOptions = {}) {
    super(ERROR_CODES.CONFIGURATION_INVALID, message, options);
    this.name = "ConfigurationError";
  }
}
