import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createInProcessRunQueue } from "../policies/in-process-run-queue.js";
import type { RunQueue } from "../ports/run-queue.js";
import { caller, scriptedAgent, setup } from "./orchestrator-test-kit.js";

describe("drain with queued runs waiting", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());

  it("starts no queued run once draining: a run still waiting when a slot frees is cancelled, and the deadline holds", async () => {
    const agent = scriptedAgent(async (input) => {
      await new Promise((resolve) => setTimeout(resolve, { quick: 1_000, medium: 2_000 }[input.text] ?? 60_000));
      return input;
    }, { policies: { timeoutMs: 120_000 } });
    const { orchestrator, store } = setup([agent], { queue: createInProcessRunQueue({ queues: { runs: { concurrency: 1 } } }) });
    const quick = await orchestrator.enqueue({ agent: "writer", input: { text: "quick" }, context: caller });
    const waiting = await orchestrator.enqueue({ agent: "writer", input: { text: "slow" }, context: caller });
    const medium = orchestrator.orchestrate({ agent: "writer", input: { text: "medium" }, context: caller });
    await vi.advanceTimersByTimeAsync(10);
    let drained = false;
    const draining = orchestrator.drain({ deadlineMs: 5_000 }).then((result) => ((drained = true), result));
    // The quick run ends and frees the queue's only slot while the host still waits for the medium one.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(drained).toBe(true);
    expect(await draining).toEqual({ finished: 2, interrupted: [] });
    expect(await medium).toMatchObject({ status: "COMPLETED" });
    expect(agent.handle).toHaveBeenCalledTimes(2);
    expect(await store.getRun("org-1", quick.id)).toMatchObject({ status: "COMPLETED" });
    expect(await store.getRun("org-1", waiting.id)).toMatchObject({ status: "CANCELLED", statusReason: "shutdown" });
  });

  it("pauses a durable queue as soon as draining begins and closes it once the runs in flight have ended", async () => {
    const agent = scriptedAgent(async (input) => {
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      return input;
    }, { policies: { timeoutMs: 120_000 } });
    const pause = vi.fn(async () => undefined);
    const close = vi.fn(async () => undefined);
    const queue: RunQueue = { durable: true, add: async () => undefined, pending: () => 0, pause, close };
    const { orchestrator } = setup([agent], { queue });
    const open = orchestrator.orchestrate({ agent: "writer", input: { text: "slow" }, context: caller }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(10);
    const draining = orchestrator.drain({ deadlineMs: 5_000 });
    await vi.advanceTimersByTimeAsync(10);
    expect(pause).toHaveBeenCalledTimes(1);
    expect(close).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await draining).interrupted).toHaveLength(1);
    await open;
    expect(close).toHaveBeenCalledTimes(1);
  });
});
