import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, goWaiter } from "./orchestrator-test-kit.js";

describe("cancelling a run tree", () => {
  it("cancels the open grandchildren of a child that already ended", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const waiter = goWaiter();
    // Times out while its child waits: a parent that times out leaves its children open.
    const middle = defineAgent({
      name: "middle",
      version: "1.0.0",
      description: "Starts a child and works until its deadline",
      input: z.object({}),
      output: z.object({}),
      policies: { timeoutMs: 1_000 },
      handle: async (_input, ctx) => {
        const child = ctx.runAgent(waiter, {});
        await ctx.step("work", (step) => new Promise((_resolve, reject) => step.signal.addEventListener("abort", () => reject(step.signal.reason))));
        return (await child, {});
      },
    });
    // Goes on after its child failed, until it is told to stop.
    const root = defineAgent({
      name: "root",
      version: "1.0.0",
      description: "Tolerates a failed child",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        await ctx.runAgent(middle, {}).catch(() => undefined);
        await ctx.waitForSignal("stop", { timeoutMs: 3_600_000 });
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [root, middle, waiter], store, clock, durability: { sweepIntervalMs: 0 } });
    const statuses = async () => Object.fromEntries((await store.listRuns({ organizationId: "org-1", limit: 10 })).runs.map((run) => [run.agentName, run.status]));
    const started = await orchestrator.orchestrate({ agent: "root", input: {}, context: caller });
    await vi.waitFor(async () => {
      await clock.advance(1_000);
      await orchestrator.resumeDueRuns();
      expect(await statuses()).toEqual({ root: "WAITING", middle: "TIMED_OUT", waiter: "WAITING" });
    });

    await orchestrator.cancel("org-1", started.id);
    await flush();

    expect(await statuses()).toEqual({ root: "CANCELLED", middle: "TIMED_OUT", waiter: "CANCELLED" });
  });
});
