import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { caller, scriptedAgent, setup } from "./orchestrator-test-kit.js";

describe("drain", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());

  it("leaves no timer behind once its runs have ended before the deadline, so the process can exit", async () => {
    const { orchestrator } = setup([scriptedAgent(async (input) => input)], { durability: { sweepIntervalMs: 0 } });
    await orchestrator.orchestrate({ agent: "writer", input: { text: "done" }, context: caller });
    expect(await orchestrator.drain({ deadlineMs: 30_000 })).toEqual({ finished: 0, interrupted: [] });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("still cancels, at the deadline, a run that has not ended", async () => {
    const agent = scriptedAgent((_input, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))), { policies: { timeoutMs: 120_000, retry: { attempts: 1 } } });
    const { orchestrator } = setup([agent], { durability: { sweepIntervalMs: 0 } });
    const open = orchestrator.orchestrate({ agent: "writer", input: { text: "slow" }, context: caller }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    const draining = orchestrator.drain({ deadlineMs: 30_000 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect((await draining).interrupted).toHaveLength(1);
    expect(await open).toMatchObject({ code: "CANCELLED" });
  });
});
