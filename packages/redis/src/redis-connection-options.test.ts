import { ConfigurationError } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { MAX_RECONNECT_DELAY_MS, redisConnectionOptions } from "./redis-connection-options.js";

describe("redisConnectionOptions", () => {
  it("reads host, port, database, credentials and TLS from the URL", () => {
    const options = redisConnectionOptions("rediss://worker:p%40ss@cache.internal:6380/2");
    expect(options).toMatchObject({ host: "cache.internal", port: 6380, db: 2, username: "worker", password: "p@ss", tls: {}, maxRetriesPerRequest: null });
    expect(redisConnectionOptions("redis://127.0.0.1")).toMatchObject({ port: 6379, db: 0 });
  });

  it("gives an IPv6 address without the brackets the URL needs around it", () => {
    expect(redisConnectionOptions("redis://[fdaa:0:1::3]:6380/1")).toMatchObject({ host: "fdaa:0:1::3", port: 6380, db: 1 });
  });

  it("reconnects after 100 ms, doubling, and never waits longer than the cap", () => {
    const { retryStrategy } = redisConnectionOptions("redis://127.0.0.1:6379");
    expect([1, 2, 3, 4, 5].map(retryStrategy)).toEqual([100, 200, 400, 800, 1_600]);
    // BullMQ's default would wait 20 s by the tenth attempt, leaving workers idle long after Redis is back.
    expect(retryStrategy(10)).toBe(MAX_RECONNECT_DELAY_MS);
    expect(retryStrategy(10_000)).toBe(MAX_RECONNECT_DELAY_MS);
  });

  it("refuses what is not a redis:// or rediss:// URL", () => {
    for (const url of ["http://127.0.0.1:6379", "not a url", ""]) expect(() => redisConnectionOptions(url)).toThrow(ConfigurationError);
  });
});
