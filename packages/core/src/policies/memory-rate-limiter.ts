import { ConfigurationError } from "../errors/errors.js";
import type { Clock } from "../ports/clock.js";
import type { RateLimitDecision, RateLimitRule, RateLimiter } from "../ports/rate-limiter.js";
import { systemClock } from "../telemetry/system-clock.js";
import { BoundedMap } from "../util/bounded-map.js";

/** Options of {@link createMemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Keys kept at most; the least recently used is evicted. Default 100,000. */
  maxKeys?: number;
  clock?: Clock;
}

/** A limiter that answers synchronously. */
export interface SynchronousRateLimiter extends RateLimiter {
  consume(key: string, rule: RateLimitRule): RateLimitDecision;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * A fixed-window limiter in process memory that answers synchronously. An evicted key starts a fresh window, so
 * `maxKeys` should exceed the number of keys active within one window (100,000 keys take about 10 MB).
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): SynchronousRateLimiter {
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new ConfigurationError("maxKeys must be a positive integer.");
  const clock = options.clock ?? systemClock;
  const windows = new BoundedMap<string, Window>(maxKeys);

  return {
    consume(key: string, rule: RateLimitRule): RateLimitDecision {
      const now = clock.now();
      const window = windows.get(key);
      if (window === undefined || now - window.startedAt >= rule.windowMs) {
        windows.set(key, { startedAt: now, count: 1 });
        return { allowed: rule.limit >= 1, remaining: Math.max(0, rule.limit - 1), retryAfterMs: rule.limit >= 1 ? 0 : rule.windowMs };
      }
      if (window.count < rule.limit) {
        window.count += 1;
        return { allowed: true, remaining: rule.limit - window.count, retryAfterMs: 0 };
      }
      return { allowed: false, remaining: 0, retryAfterMs: Math.max(1, window.startedAt + rule.windowMs - now) };
    },
  };
}
