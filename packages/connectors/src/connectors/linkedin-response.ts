import { ContentRefusedError, type NeonhubError, RateLimitedError } from "@neonhub/core";
import { providerMessage } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { parseRetryAfter } from "../http/parse-retry-after.js";

const DAY_MS = 86_400_000;
const DUPLICATE_OF = /duplicate of (urn:li:[A-Za-z]+:\d+)/;

/** Milliseconds until the next midnight UTC, when LinkedIn resets its daily application and member limits. */
export function msUntilUtcMidnight(nowMs: number): number {
  return DAY_MS - (nowMs % DAY_MS);
}

/** LinkedIn's error body: `{ status, message, serviceErrorCode?, code?, errorDetails?: { inputErrors: [{ code }] } }`. */
interface LinkedinErrorBody {
  message?: unknown;
  errorDetails?: { inputErrors?: Array<{ code?: unknown } | null> };
}

/**
 * Reads what LinkedIn's status leaves out. A 429 without `Retry-After` is the day's application or member limit,
 * which resets at midnight UTC: `RATE_LIMITED` until then, not retried. A 422 whose input error is `DUPLICATE_POST`
 * is `CONTENT_REFUSED`, keeping the URN of the post it repeats. Everything else keeps the status mapping.
 */
export function mapLinkedinResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status !== 429 && response.status !== 422) return undefined;
  const body = (typeof response.body === "object" && response.body !== null ? response.body : {}) as LinkedinErrorBody;
  const message = `LinkedIn ${context.action} failed with HTTP ${response.status}: ${providerMessage(response.body)}`;
  const details = { connector: "linkedin", action: context.action, status: response.status };
  if (response.status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers["retry-after"], context.nowMs);
    if (retryAfterMs !== undefined) return new RateLimitedError(message, retryAfterMs, { details });
    return new RateLimitedError(message, msUntilUtcMidnight(context.nowMs), { isRetryable: false, details: { ...details, limit: "daily" } });
  }
  const duplicate = body.errorDetails?.inputErrors?.some((inputError) => inputError?.code === "DUPLICATE_POST") ?? false;
  if (!duplicate) return undefined;
  const duplicateOf = typeof body.message === "string" ? DUPLICATE_OF.exec(body.message)?.[1] : undefined;
  return new ContentRefusedError(message, { reason: "duplicate", details: { ...details, ...(duplicateOf === undefined ? {} : { duplicateOf }) } });
}
