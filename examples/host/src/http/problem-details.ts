import { ERROR_CODES, isNeonhubError, type ErrorCode, type FieldError } from "@neonhub/core";

/** An RFC 9457 problem document, as every error response of the host carries it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** A stable code: one of core's error codes or one of the host's own ({@link HOST_ERROR_CODES}). */
  code: string;
  /** Present on 400 responses. */
  fieldErrors?: FieldError[];
  /** The run the error belongs to, when one was persisted. */
  runId?: string;
  /** Seconds to wait before retrying (also sent as the `Retry-After` header). */
  retryAfterSeconds?: number;
}

/** Codes of failures that happen in the HTTP layer, before core sees the request. */
export const HOST_ERROR_CODES = {
  NOT_FOUND: "NOT_FOUND",
  FORBIDDEN: "FORBIDDEN",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  /** The request is not well-formed HTTP; the connection is closed. */
  MALFORMED_REQUEST: "MALFORMED_REQUEST",
  /** The request line and headers are larger than the server reads (16 KiB by default). */
  HEADERS_TOO_LARGE: "HEADERS_TOO_LARGE",
  /** The request did not arrive in full within the server's request timeout. */
  REQUEST_TIMEOUT: "REQUEST_TIMEOUT",
  INTERNAL_ERROR: "INTERNAL_ERROR",
} as const;

/** The one table that maps core's error codes to HTTP statuses. */
export const HTTP_STATUS_BY_ERROR_CODE: Readonly<Record<ErrorCode, number>> = Object.freeze({
  [ERROR_CODES.VALIDATION_FAILED]: 400,
  [ERROR_CODES.UNAUTHORIZED]: 401,
  [ERROR_CODES.AGENT_NOT_FOUND]: 404,
  [ERROR_CODES.RUN_NOT_FOUND]: 404,
  [ERROR_CODES.IDEMPOTENCY_CONFLICT]: 409,
  [ERROR_CODES.CANCELLED]: 409,
  [ERROR_CODES.RATE_LIMITED]: 429,
  [ERROR_CODES.HANDLER_FAILED]: 502,
  [ERROR_CODES.UPSTREAM_FAILED]: 502,
  [ERROR_CODES.CIRCUIT_OPEN]: 503,
  [ERROR_CODES.STORE_UNAVAILABLE]: 503,
  [ERROR_CODES.TIMEOUT]: 504,
  [ERROR_CODES.CONFIGURATION_INVALID]: 500,
  // The run failed for a reason a person must look at; repeating the request replays the same run.
  [ERROR_CODES.NON_DETERMINISTIC]: 500,
  [ERROR_CODES.STEP_OUTCOME_UNKNOWN]: 502,
  // The instance lost the run to another one, which finishes it: ask again for the run's final state.
  [ERROR_CODES.LEASE_LOST]: 503,
  [ERROR_CODES.SIGNAL_CONFLICT]: 409,
  // The provider understood the request and refused its content (a duplicate post, a message too long).
  [ERROR_CODES.CONTENT_REFUSED]: 422,
  // A run the handler started (ctx.runAgent) did not complete; its own record says why.
  [ERROR_CODES.CHILD_RUN_FAILED]: 502,
  // The agent's code started children past the depth or count limit; repeating the request replays the same run.
  [ERROR_CODES.CHILD_RUN_LIMIT]: 500,
  // The run brought its executors down or stalled them, time after time; a person must look at it.
  [ERROR_CODES.TAKEOVER_LIMIT]: 500,
  [ERROR_CODES.INVALID_SCHEDULE]: 400,
  [ERROR_CODES.SCHEDULE_NOT_FOUND]: 404,
  // A store already holds a record with the same id or unique value; repeating the request fails the same way.
  [ERROR_CODES.ALREADY_EXISTS]: 409,
});

const TITLE_BY_STATUS: Readonly<Record<number, string>> = Object.freeze({
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
});

/** Seconds sent in `Retry-After` when a store outage carries no hint. */
const DEFAULT_STORE_RETRY_AFTER_SECONDS = 5;

/** Builds a problem document; `type` is a stable URN per code. */
export function createProblem(status: number, code: string, detail: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  return {
    type: `urn:neonhub:problem:${code.toLowerCase().replaceAll("_", "-")}`,
    title: TITLE_BY_STATUS[status] ?? (status >= 500 ? "Server Error" : "Client Error"),
    status,
    detail,
    code,
    ...extra,
  };
}

/** The problem document of a NeonHub error, with `Retry-After` seconds where the error says when to retry. */
export function problemFromNeonhubError(error: unknown): ProblemDetails | null {
  if (!isNeonhubError(error)) return null;
  const status = HTTP_STATUS_BY_ERROR_CODE[error.code] ?? 500;
  const extra: Partial<ProblemDetails> = {};
  // Every 400 carries field errors (VALIDATION_FAILED, INVALID_SCHEDULE), empty when the error names none.
  if (status === 400) extra.fieldErrors = readFieldErrors(error.details);
  if (error.runId !== undefined) extra.runId = error.runId;
  if (status === 429 || status === 503) {
    extra.retryAfterSeconds =
      error.retryAfterMs === undefined ? DEFAULT_STORE_RETRY_AFTER_SECONDS : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  }
  // Configuration problems are operator mistakes: never echo them to a caller.
  const detail = status === 500 ? "The server could not handle the request." : error.message;
  return createProblem(status, status === 500 ? HOST_ERROR_CODES.INTERNAL_ERROR : error.code, detail, extra);
}

function readFieldErrors(details: Record<string, unknown> | undefined): FieldError[] {
  const fieldErrors = details?.fieldErrors;
  return Array.isArray(fieldErrors) ? (fieldErrors as FieldError[]) : [];
}
