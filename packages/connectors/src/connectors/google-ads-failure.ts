import type { NeonhubError } from "@neonhub/core";
import { mapHttpError } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { MAX_RETRY_AFTER_MS } from "../http/parse-retry-after.js";

/**
 * One error of a `GoogleAdsFailure`: its code (`{ queryError: "UNRECOGNIZED_FIELD" }`), message, location and
 * details (a quota error's `quotaErrorDetails` with its `retryDelay`).
 */
interface GoogleAdsError {
  errorCode?: Record<string, string>;
  message?: string;
  trigger?: unknown;
  location?: unknown;
  details?: { quotaErrorDetails?: { retryDelay?: unknown } };
}

const MAX_KEPT_ERRORS = 10;

/** Milliseconds of a protobuf `Duration` in its JSON form (`"30s"`, `"1.5s"`), rounded up; undefined otherwise. */
function durationMs(value: unknown): number | undefined {
  const match = typeof value === "string" ? /^(\d+)(?:\.(\d{1,9}))?s$/.exec(value) : null;
  if (match === null) return undefined;
  const nanos = Number((match[2] ?? "").padEnd(9, "0"));
  return Math.min(Number(match[1]) * 1_000 + Math.ceil(nanos / 1_000_000), MAX_RETRY_AFTER_MS);
}

/** The longest `retryDelay` among the failure's quota errors: Google's own wait, which it sends instead of `Retry-After`. */
function quotaRetryDelayMs(errors: GoogleAdsError[]): number | undefined {
  const delays = errors.map((error) => durationMs(error.details?.quotaErrorDetails?.retryDelay)).filter((delay) => delay !== undefined);
  return delays.length === 0 ? undefined : Math.max(...delays);
}

/** The `GoogleAdsFailure` in a Google API error body's `details`, if there is one. */
function googleAdsFailure(body: unknown): { errors: GoogleAdsError[]; requestId?: string } | undefined {
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  const failure = details.find((entry) => typeof entry?.["@type"] === "string" && entry["@type"].endsWith(".errors.GoogleAdsFailure"));
  return failure === undefined ? undefined : { errors: Array.isArray(failure.errors) ? failure.errors : [], requestId: failure.requestId };
}

/**
 * Keeps the specific `GoogleAdsFailure` of an error answer (Google's own message is only "Request contains an
 * invalid argument."): its first error's code and message become the error's message, and every error (up to ten)
 * and the request id its details, under the usual status mapping. A quota error's `retryDelay` is the wait before
 * the next attempt (`retryAfterMs`).
 */
export function mapGoogleAdsResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status < 400) return undefined;
  const failure = googleAdsFailure(response.body);
  if (failure === undefined || failure.errors.length === 0) return undefined;
  const errors = failure.errors.slice(0, MAX_KEPT_ERRORS).map((error) => ({
    errorCode: error.errorCode ?? {},
    message: error.message ?? "",
    ...(error.trigger === undefined ? {} : { trigger: error.trigger }),
    ...(error.location === undefined ? {} : { location: error.location }),
    ...(error.details === undefined ? {} : { details: error.details }),
  }));
  const [first] = errors as [(typeof errors)[number]];
  const code = Object.entries(first.errorCode).map(([kind, value]) => `${kind}.${value}`).join(", ");
  const retryAfterMs = quotaRetryDelayMs(failure.errors);
  return mapHttpError(
    { ...response, body: { message: `${code}: ${first.message}` } },
    {
      connector: "google-ads",
      displayName: "Google Ads",
      action: context.action,
      nowMs: context.nowMs,
      details: { googleAdsErrors: errors, requestId: failure.requestId },
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}
