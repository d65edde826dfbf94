import { type NeonhubError, RateLimitedError } from "@neonhub/core";
import { DEFAULT_RATE_LIMIT_WAIT_MS, providerMessage } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { parseRetryAfter } from "../http/parse-retry-after.js";

const DAY_MS = 86_400_000;
const pacificClock = new Intl.DateTimeFormat("en-US", { timeZone: "America/Los_Angeles", hourCycle: "h23", hour: "numeric", minute: "numeric", second: "numeric" });

/** Milliseconds until the next midnight in Pacific time, when Google resets daily API quotas. */
export function msUntilPacificMidnight(nowMs: number): number {
  const parts = Object.fromEntries(pacificClock.formatToParts(new Date(nowMs)).map((part) => [part.type, Number(part.value)]));
  const elapsedMs = ((parts.hour ?? 0) * 3_600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0)) * 1_000 + (nowMs % 1_000);
  return DAY_MS - elapsedMs;
}

/** The `reason` of the first error in Google's JSON error body (`{ error: { errors: [{ reason }] } }`). */
export function googleErrorReason(body: unknown): string | undefined {
  const reason = (body as { error?: { errors?: Array<{ reason?: unknown }> } } | null)?.error?.errors?.[0]?.reason;
  return typeof reason === "string" ? reason : undefined;
}

/** Google's per-second and per-user limits: a short wait, then the same request again. */
export const GOOGLE_RATE_LIMIT_REASONS: ReadonlySet<string> = new Set(["rateLimitExceeded", "userRateLimitExceeded"]);

/** Where a Google API failure came from, for its message and details. */
export interface GoogleErrorSource {
  connector: string;
  displayName: string;
  action: string;
  nowMs: number;
}

/** A `RATE_LIMITED` error for a Google answer, with its reason in `details.googleReason`. */
export function googleRateLimited(response: HttpResponse, source: GoogleErrorSource, retryAfterMs: number, options: { isRetryable?: boolean } = {}): NeonhubError {
  const reason = googleErrorReason(response.body);
  return new RateLimitedError(`${source.displayName} ${source.action} failed with HTTP ${response.status}: ${providerMessage(response.body)}`, retryAfterMs, {
    ...options,
    details: { connector: source.connector, action: source.action, status: response.status, googleReason: reason },
  });
}

/** The wait a Google rate limit asks for: `Retry-After` when sent, else the default second. */
export function googleRetryAfterMs(response: HttpResponse, nowMs: number): number {
  return parseRetryAfter(response.headers["retry-after"], nowMs) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
}
