import { parseHttpDate } from "./parse-http-date.js";

/** Longest wait read from a `Retry-After` header (one day); longer values are capped to it. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * Milliseconds to wait from a `Retry-After` header: delay-seconds (digits only) or an HTTP date in a form of
 * RFC 9110. Undefined when absent or unreadable (a negative, fractional or repeated value is unreadable, not
 * "retry now"); never negative, and at most {@link MAX_RETRY_AFTER_MS}.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const date = parseHttpDate(text, nowMs);
  if (date === undefined) return undefined;
  return Math.min(Math.max(0, date - nowMs), MAX_RETRY_AFTER_MS);
}
