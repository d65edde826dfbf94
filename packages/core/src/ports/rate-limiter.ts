/** The answer of a {@link RateLimiter}. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Calls left in the current window after this one. */
  remaining: number;
  /** When `allowed` is false, how long until a call can succeed; 0 otherwise. */
  retryAfterMs: number;
}

/** The limit to apply to one key. */
export interface RateLimitRule {
  /** Calls allowed per window. */
  limit: number;
  windowMs: number;
}

/**
 * Admission limiter: answers at once, never queues. Implementations must bound the number of keys they keep.
 * May answer synchronously (in-memory) or asynchronously (Redis).
 */
export interface RateLimiter {
  consume(key: string, rule: RateLimitRule): RateLimitDecision | Promise<RateLimitDecision>;
}
