import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createManualClock } from "../testing/manual-clock.js";
import { caller, flush, goWaiter, setup } from "./orchestrator-test-kit.js";

describe("the record of a run cancelled while it is not executing", () => {
  it("keeps the attempts and duration of a waiting run, counts it once, and counts its waiting child too", async () => {
    const clock = createManualClock();
    const waiter = goWaiter();
    const parent = defineAgent({
      name: "parent",
      version: "1.0.0",
      description: "Waits for its child",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => ctx.runAgent(waiter, {}),
    });
    const { orchestrator, store, metrics } = setup([parent, waiter], { clock, durability: { sweepIntervalMs: 0 } });
    const started = await orchestrator.orchestrate({ agent: "parent", input: {}, context: caller });
    await vi.waitFor(async () => expect((await store.listRuns({ organizationId: "org-1", agentName: "waiter", limit: 1 })).runs[0]?.status).toBe("WAITING"));
    await clock.advance(5_000);

    const cancelled = await orchestrator.cancel("org-1", started.id);
    await orchestrator.cancel("org-1", started.id);
    await flush();

    expect(cancelled).toMatchObject({ status: "CANCELLED", attempts: 1, durationMs: 5_000 });
    expect(metrics.ofType("runFinished")).toEqual([
      { agent: "parent", status: "CANCELLED", durationMs: 5_000, attempts: 1 },
      { agent: "waiter", status: "CANCELLED", durationMs: 5_000, attempts: 1 },
    ]);
  });
});
