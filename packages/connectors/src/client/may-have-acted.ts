import type { NeonhubError } from "@neonhub/core";

/**
 * Whether a failed attempt may have taken effect at the provider: a request was sent and the failure came after
 * it (the deadline passed, the connection was lost, or the provider answered 5xx). Failures known to happen before
 * the provider acted (no connection, a 4xx, a 429, a 408) did not; errors may say so with `details.outcome`.
 */
export function mayHaveActed(error: NeonhubError, requestSent: boolean): boolean {
  if (!requestSent) return false;
  const outcome = error.details?.outcome;
  if (outcome === "unknown") return true;
  if (outcome === "not_acted") return false;
  const status = error.details?.status;
  if (error.code === "TIMEOUT") return status === undefined;
  if (error.code === "UPSTREAM_FAILED" || error.code === "HANDLER_FAILED") return typeof status === "number" && status >= 500;
  return false;
}
