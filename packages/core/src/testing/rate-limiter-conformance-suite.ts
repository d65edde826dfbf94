import { randomUUID } from "node:crypto";
import { describe, expect, it } from "./vitest-api.js";
import type { RateLimiter } from "../ports/rate-limiter.js";

/** Options of {@link runRateLimiterConformanceSuite}. */
export interface RateLimiterConformanceOptions {
  name: string;
  /** A limiter whose windows follow `advance`; return it with a function that moves its time forward. */
  createLimiter: () => Promise<{ limiter: RateLimiter; advance: (ms: number) => Promise<void>; close?: () => Promise<void> }>;
}

/** The behaviour every {@link RateLimiter} adapter must show. Call it at the top level of a vitest file. */
export function runRateLimiterConformanceSuite(options: RateLimiterConformanceOptions): void {
  describe(`RateLimiter conformance: ${options.name}`, () => {
    it("allows up to the limit in a window, then answers with retryAfterMs", async () => {
      const { limiter, close } = await options.createLimiter();
      const key = `key-${randomUUID()}`;
      const rule = { limit: 3, windowMs: 60_000 };
      const decisions = [];
      for (let index = 0; index < 4; index += 1) decisions.push(await limiter.consume(key, rule));
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
      expect(decisions.map((decision) => decision.remaining)).toEqual([2, 1, 0, 0]);
      expect(decisions[3]!.retryAfterMs).toBeGreaterThan(0);
      expect(decisions[3]!.retryAfterMs).toBeLessThanOrEqual(60_000);
      await close?.();
    });

    it("keeps keys apart", async () => {
      const { limiter, close } = await options.createLimiter();
      const rule = { limit: 1, windowMs: 60_000 };
      expect((await limiter.consume(`a-${randomUUID()}`, rule)).allowed).toBe(true);
      expect((await limiter.consume(`b-${randomUUID()}`, rule)).allowed).toBe(true);
      await close?.();
    });

    it("allows again once the window has passed", async () => {
      const { limiter, advance, close } = await options.createLimiter();
      const key = `key-${randomUUID()}`;
      const rule = { limit: 1, windowMs: 2_000 };
      expect((await limiter.consume(key, rule)).allowed).toBe(true);
      const denied = await limiter.consume(key, rule);
      expect(denied.allowed).toBe(false);
      await advance(denied.retryAfterMs + 1);
      expect((await limiter.consume(key, rule)).allowed).toBe(true);
      await close?.();
    });
  });
}
