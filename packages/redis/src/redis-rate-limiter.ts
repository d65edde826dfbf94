import { BoundedMap, ConfigurationError, type RateLimitDecision, type RateLimiter, type RateLimitRule } from "@neonhub/core";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/** Options of {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** An ioredis client created with `enableOfflineQueue: false`, so that an outage fails fast instead of queueing. */
  redis: Redis;
  /** Prefix of every key. Default `neonhub:admission`. */
  keyPrefix?: string;
  /** Distinct rules (limit and window pairs) kept at once. Default 1,000. */
  maxRules?: number;
}

/** Rules differ per agent, not per caller, so a few limiters serve every key. */
const DEFAULT_MAX_RULES = 1_000;

interface RuleLimiter {
  consume(key: string): Promise<RateLimiterRes>;
}

/**
 * A fixed-window admission limiter shared by every host instance through Redis (rate-limiter-flexible).
 * Windows are whole seconds (rounded up). A window lives in one Redis key with a TTL, so losing keys (a Redis
 * restart or FLUSHDB) only starts fresh windows. While Redis cannot be reached, each instance falls back to an
 * in-memory limiter with the same rule instead of failing or waiting.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  if (typeof options?.redis?.eval !== "function") throw new ConfigurationError("createRedisRateLimiter needs an ioredis client.");
  const keyPrefix = options.keyPrefix ?? "neonhub:admission";
  const limiters = new BoundedMap<string, RuleLimiter>(options.maxRules ?? DEFAULT_MAX_RULES);

  const limiterFor = (rule: RateLimitRule): RuleLimiter => {
    const ruleKey = `${rule.limit}:${rule.windowMs}`;
    const existing = limiters.get(ruleKey);
    if (existing) return existing;
    if (!Number.isInteger(rule.limit) || rule.limit < 1 || !(rule.windowMs > 0)) {
      throw new ConfigurationError(`Invalid rate limit rule: ${rule.limit} per ${rule.windowMs} ms.`);
    }
    const settings = { points: rule.limit, duration: Math.ceil(rule.windowMs / 1000), keyPrefix: `${keyPrefix}:${ruleKey}` };
    const limiter = new RateLimiterRedis({
      ...settings,
      storeClient: options.redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(settings),
    });
    limiters.set(ruleKey, limiter);
    return limiter;
  };

  return {
    async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
      try {
        const result = await limiterFor(rule).consume(key);
        return { allowed: true, remaining: result.remainingPoints, retryAfterMs: 0 };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, remaining: 0, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
        }
        throw rejection;
      }
    },
  };
}
