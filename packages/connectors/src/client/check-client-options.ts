import { ConfigurationError } from "@neonhub/core";
import type { MockOptions } from "../mock/mock-types.js";
import type { RetrySpec } from "../sdk/connector-definition.js";

const isMilliseconds = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0;

/**
 * Checks a client's `retry` override when the client is created: a bad value would otherwise surface only at the
 * first transient failure, as a `HANDLER_FAILED` of the call.
 */
export function checkRetryOverride(retry: Partial<RetrySpec> | false | undefined): void {
  if (retry === undefined || retry === false) return;
  if (typeof retry !== "object" || retry === null) throw new ConfigurationError("retry must be retry settings or false.");
  if (retry.attempts !== undefined && !(Number.isInteger(retry.attempts) && retry.attempts >= 1)) {
    throw new ConfigurationError(`retry.attempts must be a positive integer, got ${String(retry.attempts)}.`);
  }
  for (const field of ["baseDelayMs", "maxDelayMs", "maxRetryAfterMs"] as const) {
    const value = retry[field];
    if (value !== undefined && !isMilliseconds(value)) throw new ConfigurationError(`retry.${field} must be a non-negative number of milliseconds, got ${String(value)}.`);
  }
}

/**
 * Checks mock mode's options when the client is created: an `epochMs` that is not a time would fail every call, and
 * a `maxCalls` that is not a count would leave the call log unbounded.
 */
export function checkMockOptions(options: MockOptions): void {
  if (options.seed !== undefined && typeof options.seed !== "string") throw new ConfigurationError("mock.seed must be a string.");
  const { latency, epochMs, maxCalls } = options;
  if (latency !== undefined) {
    const fixed = "fixedMs" in latency;
    const valid = fixed ? isMilliseconds(latency.fixedMs) : isMilliseconds(latency.minMs) && isMilliseconds(latency.maxMs) && latency.minMs <= latency.maxMs;
    if (!valid) throw new ConfigurationError("mock.latency must be { fixedMs } or { minMs, maxMs } with non-negative milliseconds, minMs at most maxMs.");
  }
  if (epochMs !== undefined && (typeof epochMs !== "number" || Number.isNaN(new Date(epochMs).getTime()))) {
    throw new ConfigurationError(`mock.epochMs must be a time in milliseconds since 1970, got ${String(epochMs)}.`);
  }
  if (maxCalls !== undefined && !(Number.isInteger(maxCalls) && maxCalls >= 0)) throw new ConfigurationError(`mock.maxCalls must be a non-negative integer, got ${String(maxCalls)}.`);
}
