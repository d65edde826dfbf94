import { randomUUID } from "node:crypto";
import { ConfigurationError } from "@neonhub/core";
import { createManualClock, runRateLimiterConformanceSuite } from "@neonhub/core/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";
import { startTcpProxy } from "./test-support/tcp-proxy.js";

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn("TEST_REDIS_URL is not set: skipping the Redis rate limiter tests (they need a real Redis).");

/** Moves a limiter's time forward by shortening the TTL of its window keys, which is where its windows live. */
async function advanceWindows(redis: Redis, prefix: string, ms: number): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  for (const key of keys) {
    const ttl = await redis.pttl(key);
    if (ttl <= ms) await redis.del(key);
    else await redis.pexpire(key, ttl - ms);
  }
}

const clients: Redis[] = [];

function connect(port?: number): Redis {
  const url = new URL(redisUrl as string);
  const client = new Redis({
    host: url.hostname,
    port: port ?? Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 20,
  });
  client.on("error", () => undefined);
  clients.push(client);
  return client;
}
async function ready(client: Redis): Promise<Redis> {
  if (client.status !== "ready") await new Promise((resolve) => client.once("ready", resolve));
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
});

if (redisUrl) {
  runRateLimiterConformanceSuite({
    name: "Redis (rate-limiter-flexible)",
    createLimiter: async () => {
      const redis = await ready(connect());
      const keyPrefix = `neonhub-test:${randomUUID()}`;
      return {
        limiter: createRedisRateLimiter({ redis, keyPrefix }),
        advance: (ms) => advanceWindows(redis, keyPrefix, ms),
        close: async () => {
          const keys = await redis.keys(`${keyPrefix}*`);
          if (keys.length > 0) await redis.del(...keys);
        },
      };
    },
  });
}

describe.skipIf(!redisUrl)("Redis rate limiter across instances and key loss", () => {
  let first: Redis;
  let second: Redis;
  beforeAll(async () => {
    first = await ready(connect());
    second = await ready(connect());
  });

  it("shares one limit between two host instances", async () => {
    const keyPrefix = `neonhub-test:${randomUUID()}`;
    const instanceA = createRedisRateLimiter({ redis: first, keyPrefix });
    const instanceB = createRedisRateLimiter({ redis: second, keyPrefix });
    const rule = { limit: 4, windowMs: 60_000 };
    const decisions = await Promise.all([instanceA, instanceB, instanceA, instanceB, instanceA, instanceB].map((limiter) => limiter.consume("agent\u0000org\u0000user", rule)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(4);
    expect(decisions.filter((decision) => !decision.allowed).every((decision) => decision.retryAfterMs > 0)).toBe(true);
  });

  it("keeps working after its keys are lost mid-window (a Redis restart that keeps nothing, a flush)", async () => {
    const keyPrefix = `neonhub-test:${randomUUID()}`;
    const limiter = createRedisRateLimiter({ redis: first, keyPrefix });
    const rule = { limit: 2, windowMs: 60_000 };
    expect((await limiter.consume("user", rule)).allowed).toBe(true);
    expect((await limiter.consume("user", rule)).allowed).toBe(true);
    expect((await limiter.consume("user", rule)).allowed).toBe(false);

    await first.del(...(await first.keys(`${keyPrefix}*`)));
    expect((await limiter.consume("user", rule)).allowed).toBe(true);
    expect((await limiter.consume("user", rule)).allowed).toBe(true);
    expect((await limiter.consume("user", rule)).allowed).toBe(false);

  });

  it("answers (falling back to memory) instead of waiting when Redis stops answering", async () => {
    const url = new URL(redisUrl as string);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    try {
      // Created as the option's doc asks: enableOfflineQueue false.
      const redis = await ready(connect(proxy.port));
      const limiter = createRedisRateLimiter({ redis, keyPrefix: `neonhub-test:${randomUUID()}` });
      const rule = { limit: 5, windowMs: 60_000 };
      expect((await limiter.consume("user", rule)).allowed).toBe(true);

      proxy.silence();
      const outcome = await Promise.race([
        Promise.resolve(limiter.consume("user", rule)).then((decision) => `answered ${decision.allowed}`),
        new Promise((resolve) => setTimeout(() => resolve("still waiting after 5 s"), 5_000)),
      ]);
      expect(outcome).toBe("answered true");
    } finally {
      await proxy.close();
    }
  }, 20_000);

  it("waits for a silent Redis until its timeout by the given clock, then decides from memory", async () => {
    const url = new URL(redisUrl as string);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    try {
      const redis = await ready(connect(proxy.port));
      const clock = createManualClock(Date.now());
      const limiter = createRedisRateLimiter({ redis, keyPrefix: `neonhub-test:${randomUUID()}`, timeoutMs: 1_000, clock });
      const rule = { limit: 1, windowMs: 60_000 };
      expect((await limiter.consume("user", rule)).allowed).toBe(true);

      proxy.silence();
      const decisions: boolean[] = [];
      const first = Promise.resolve(limiter.consume("user", rule)).then((decision) => decisions.push(decision.allowed));
      await clock.advance(999);
      await new Promise((resolve) => setImmediate(resolve));
      expect(decisions).toEqual([]);
      await clock.advance(1);
      await first;
      // Memory has its own window: the first request there is allowed, the next one over the limit is not.
      const second = Promise.resolve(limiter.consume("user", rule)).then((decision) => decisions.push(decision.allowed));
      await clock.advance(1_000);
      await second;
      expect(decisions).toEqual([true, false]);
    } finally {
      await proxy.close();
    }
  });

  it("refuses a timeout that is not a positive number", () => {
    expect(() => createRedisRateLimiter({ redis: first, timeoutMs: 0 })).toThrow(ConfigurationError);
  });

  it("refuses a maxRules that is not a positive integer, naming it", () => {
    expect(() => createRedisRateLimiter({ redis: first, maxRules: 0 })).toThrow(/^The rate limiter's maxRules must be a positive integer, got 0/);
  });

  it("falls back to a per-instance limit while Redis is unreachable, then uses Redis again", async () => {
    const keyPrefix = `neonhub-test:${randomUUID()}`;
    const url = new URL(redisUrl as string);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    try {
      const redis = await ready(connect(proxy.port));
      const limiter = createRedisRateLimiter({ redis, keyPrefix });
      const rule = { limit: 2, windowMs: 60_000 };
      expect((await limiter.consume("user", rule)).allowed).toBe(true);
      await proxy.cut();
      await vi.waitFor(() => expect(redis.status).not.toBe("ready"));
      const during = [];
      for (let index = 0; index < 3; index += 1) during.push((await limiter.consume("user", rule)).allowed);
      expect(during).toEqual([true, true, false]);
      await proxy.restore();
      await ready(redis);
      // Back on Redis: the window that was open there before the outage still counts.
      expect((await limiter.consume("user", rule)).allowed).toBe(true);
      expect((await limiter.consume("user", rule)).allowed).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});
