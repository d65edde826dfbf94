import { describe, expect, it } from "vitest";
import { createManualClock } from "../testing/manual-clock.js";
import { runRateLimiterConformanceSuite } from "../testing/rate-limiter-conformance-suite.js";
import { createMemoryRateLimiter } from "./memory-rate-limiter.js";

runRateLimiterConformanceSuite({
  name: "memory",
  createLimiter: async () => {
    const clock = createManualClock();
    return { limiter: createMemoryRateLimiter({ clock }), advance: (ms) => clock.advance(ms) };
  },
});

describe("memory rate limiter", () => {
  it("answers 60 runs per minute, then tells how long until the window ends", async () => {
    const clock = createManualClock(0);
    const limiter = createMemoryRateLimiter({ clock });
    const rule = { limit: 60, windowMs: 60_000 };
    for (let index = 0; index < 60; index += 1) expect(limiter.consume("agent:user", rule)).toMatchObject({ allowed: true });
    await clock.advance(45_000);
    expect(limiter.consume("agent:user", rule)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 15_000 });
    await clock.advance(15_000);
    expect(limiter.consume("agent:user", rule)).toEqual({ allowed: true, remaining: 59, retryAfterMs: 0 });
  });

  it("keeps at most maxKeys; an evicted key starts a fresh window", () => {
    const clock = createManualClock(0);
    const limiter = createMemoryRateLimiter({ clock, maxKeys: 2 });
    const rule = { limit: 1, windowMs: 60_000 };
    limiter.consume("a", rule);
    expect(limiter.consume("a", rule).allowed).toBe(false);
    limiter.consume("b", rule);
    limiter.consume("c", rule);
    expect(limiter.consume("b", rule).allowed).toBe(false);
    expect(limiter.consume("a", rule).allowed).toBe(true);
  });
});
