import { BoundedMap, ConfigurationError, systemClock, type Clock, type RateLimitDecision, type RateLimiter, type RateLimitRule } from "@neonhub/core";
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
  /**
   * How long a decision waits for Redis before the in-memory limiter takes it. A Redis that stops answering without
   * closing the connection (a network partition, a vanished host) would otherwise hold it until TCP gives up, minutes
   * later. A request that Redis answers later still counts there. Default 250 ms.
   */
  timeoutMs?: number;
  /** Times the wait for Redis. Default the system clock. */
  clock?: Clock;
}

/** Rules differ per agent, not per caller, so a few limiters serve every key. */
const DEFAULT_MAX_RULES = 1_000;
/** A Redis on the same network answers in about a millisecond; this is far above that, and short for a caller. */
export const DEFAULT_REDIS_RATE_LIMIT_TIMEOUT_MS = 250;

interface RuleLimiter {
  shared: RateLimiterRedis;
  local: RateLimiterMemory;
}

const decide = async (consumed: Promise<RateLimiterRes>): Promise<RateLimitDecision> => {
  try {
    const result = await consumed;
    return { allowed: true, remaining: result.remainingPoints, retryAfterMs: 0 };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { allowed: false, remaining: 0, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
    throw rejection;
  }
};

/**
 * A fixed-window admission limiter shared by every host instance through Redis (rate-limiter-flexible).
 * Windows are whole seconds (rounded up). A window lives in one Redis key with a TTL, so losing keys (a Redis
 * restart or FLUSHDB) only starts fresh windows. While Redis cannot be reached, fails, or does not answer within
 * `timeoutMs`, each instance falls back to an in-memory limiter with the same rule instead of failing or waiting.
 * @example
 * const limiter = createRedisRateLimiter({ redis: new Redis(url, { enableOfflineQueue: false }) });
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  if (typeof options?.redis?.eval !== "function") throw new ConfigurationError("createRedisRateLimiter needs an ioredis client.");
  const keyPrefix = options.keyPrefix ?? "neonhub:admission";
  const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_RATE_LIMIT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new ConfigurationError("The rate limiter's timeoutMs must be a positive number.");
  const maxRules = options.maxRules ?? DEFAULT_MAX_RULES;
  if (!Number.isInteger(maxRules) || maxRules < 1) throw new ConfigurationError(`The rate limiter's maxRules must be a positive integer, got ${String(maxRules)}.`);
  const clock = options.clock ?? systemClock;
  const limiters = new BoundedMap<string, RuleLimiter>(maxRules);

  const limiterFor = (rule: RateLimitRule): RuleLimiter => {
    const ruleKey = `${rule.limit}:${rule.windowMs}`;
    const existing = limiters.get(ruleKey);
    if (existing) return existing;
    if (!Number.isInteger(rule.limit) || rule.limit < 1 || !(rule.windowMs > 0)) {
      throw new ConfigurationError(`Invalid rate limit rule: ${rule.limit} per ${rule.windowMs} ms.`);
    }
    const settings = { points: rule.limit, duration: Math.ceil(rule.windowMs / 1000), keyPrefix: `${keyPrefix}:${ruleKey}` };
    const limiter = {
      shared: new RateLimiterRedis({ ...settings, storeClient: options.redis, rejectIfRedisNotReady: true }),
      local: new RateLimiterMemory(settings),
    };
    limiters.set(ruleKey, limiter);
    return limiter;
  };

  /** Rejects once `timeoutMs` has passed; the race keeps a late answer or failure of `work` handled. */
  const withinDeadline = <T>(work: Promise<T>): Promise<T> => {
    let cancel = () => {};
    const deadline = new Promise<never>((_resolve, reject) => {
      cancel = clock.schedule(timeoutMs, () => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)));
    });
    return Promise.race([work, deadline]).finally(() => cancel());
  };

  return {
    async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
      const limiter = limiterFor(rule);
      try {
        return await decide(withinDeadline(limiter.shared.consume(key)));
      } catch {
        // Redis is not ready, failed, or is too slow: this instance decides alone until it answers again.
        return decide(limiter.local.consume(key));
      }
    },
  };
}
