import { NeonhubError } from "./neonhub-error.js";

const TRANSIENT_NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * Whether an error is worth retrying: NeonHub errors say so with `isRetryable`; other errors count when they
 * carry `retryable: true` or a network error code. Anything else (bugs, bad input) fails at once.
 */
export function isTransientError(error: unknown): boolean {
  if (NeonhubError.isInstance(error)) return error.isRetryable;
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as { retryable?: unknown; code?: unknown; cause?: unknown };
  if (candidate.retryable === true) return true;
  if (typeof candidate.code === "string" && TRANSIENT_NETWORK_CODES.has(candidate.code)) return true;
  const cause = candidate.cause as { code?: unknown } | undefined;
  return typeof cause?.code === "string" && TRANSIENT_NETWORK_CODES.has(cause.code);
}
