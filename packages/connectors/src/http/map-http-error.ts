import { type NeonhubError, RateLimitedError, TimeoutError, UpstreamFailedError, ValidationError, toStorableText } from "@neonhub/core";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import type { HttpResponse } from "./http-types.js";
import { parseRetryAfter } from "./parse-retry-after.js";

/** Wait used when a provider answers 429 without `Retry-After`. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;
const MAX_DETAIL_LENGTH = 300;

/**
 * `message` cut to at most {@link MAX_DETAIL_LENGTH} characters before a space, the word the limit falls in left out
 * whole: a provider may quote a credential back, and redaction, which comes later and finds whole secrets only, would
 * miss the first part of one cut in two. A message with no space before the limit is left out entirely.
 */
function shortened(message: string): string {
  if (message.length <= MAX_DETAIL_LENGTH) return message;
  let end = MAX_DETAIL_LENGTH;
  while (end > 0 && !/\s/.test(message[end]!)) end -= 1;
  const kept = message.slice(0, end).trimEnd();
  return kept === "" ? `(a message of ${message.length} characters, left out)` : `${kept} ...`;
}

/**
 * The provider's own error message from the common body shapes, shortened before a space (see {@link shortened}),
 * with NUL characters and unpaired surrogates replaced by U+FFFD, so that a store keeps it in a connection's
 * `lastError`.
 */
export function providerMessage(body: unknown): string {
  let text: unknown;
  if (typeof body === "string") text = body;
  else if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    const nested = record.error;
    const errors = Array.isArray(record.errors) ? (record.errors[0] as Record<string, unknown> | undefined) : undefined;
    text =
      (typeof nested === "object" && nested !== null ? (nested as Record<string, unknown>).message : nested) ??
      record.message ??
      record.detail ??
      errors?.message ??
      record.title;
  }
  const message = typeof text === "string" ? text : "no error message";
  return toStorableText(shortened(message));
}

/** Where a failed response came from, for the error message and details. */
export interface HttpErrorSource {
  connector: string;
  displayName: string;
  action: string;
  nowMs: number;
  /** The provider's own error details to keep in the error (Google Ads' `GoogleAdsFailure`, Meta's subcode). */
  details?: Record<string, unknown>;
  /** A wait the provider gave outside `Retry-After` (in its body or a header of its own); used instead of it. */
  retryAfterMs?: number;
}

/**
 * Maps a failed provider response to a NeonHub error: 400/422 validation, 401/403 connector auth, 404, other 4xx
 * and unfollowed 3xx redirects non-retryable, 408 timeout, 429 rate limited with `Retry-After`, 5xx retryable.
 * Provider failures are `UPSTREAM_FAILED`, never `HANDLER_FAILED` (the code of a bug in the handler).
 */
export function mapHttpError(response: HttpResponse, source: HttpErrorSource): NeonhubError {
  const { status } = response;
  const message = `${source.displayName} ${source.action} failed with HTTP ${status}: ${providerMessage(response.body)}`;
  const details = { ...source.details, connector: source.connector, action: source.action, status };
  const retryAfterMs = source.retryAfterMs ?? parseRetryAfter(response.headers["retry-after"], source.nowMs);
  if (status === 401) return new ConnectorAuthError(source.connector, "unauthorized", message, { status });
  if (status === 403) return new ConnectorAuthError(source.connector, "forbidden", message, { status });
  if (status === 429) return new RateLimitedError(message, retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS, { details });
  if (status === 408) return new TimeoutError(message, { isRetryable: true, details });
  if (status === 400 || status === 422) return new ValidationError(message, [], { details });
  if (status >= 500) return new UpstreamFailedError(message, { isRetryable: true, details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  return new UpstreamFailedError(message, { isRetryable: false, details });
}
