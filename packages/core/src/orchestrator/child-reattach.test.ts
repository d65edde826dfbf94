import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, goWaiter, settle, storeWith } from "./orchestrator-test-kit.js";

describe("a parent resumed by another instance while its child's start was not journaled", () => {
  it("finds the child it already started instead of starting a second one", async () => {
    const clock = createManualClock();
    const inner = createMemoryRunStore();
    const child = goWaiter("child");
    const parent = defineAgent({ name: "parent", version: "1.0.0", description: "Starts a child", input: z.object({}), output: z.object({}), handle: async (_input, ctx) => ctx.runAgent(child, {}) });
    // The first instance stores the child, then cannot journal the start: it stops, and the run stays RUNNING.
    const broken = storeWith(inner, { recordStep: async (input) => (input.step.key === "agent:child#0" && input.step.status === "SUCCEEDED" ? Promise.reject(new Error("connection reset")) : inner.recordStep(input)) });
    const first = createOrchestrator({ agents: [parent, child], store: broken, clock, durability: { sweepIntervalMs: 0, leaseMs: 3_000, executorId: "first" } });
    const stopped = settle(first.orchestrate({ agent: "parent", input: {}, context: caller }));
    for (let i = 0; i < 10; i += 1) {
      await clock.advance(1_000);
      await flush();
    }
    expect(await stopped).toMatchObject({ code: "STORE_UNAVAILABLE" });
    const parentRun = (await inner.listRuns({ organizationId: "org-1", agentName: "parent", limit: 1 })).runs[0]!;
    expect(parentRun.status).toBe("RUNNING");
    expect((await inner.listSteps("org-1", parentRun.id)).filter((step) => step.status === "SUCCEEDED")).toEqual([]);
    expect((await inner.listRuns({ organizationId: "org-1", agentName: "child", limit: 10 })).runs).toHaveLength(1);
    const second = createOrchestrator({ agents: [parent, child], store: inner, clock, durability: { sweepIntervalMs: 0, leaseMs: 3_000, executorId: "second" } });
    await clock.advance(10_000);
    await second.resumeDueRuns();
    await flush();
    const runs = (await inner.listRuns({ organizationId: "org-1", limit: 10 })).runs;
    expect(runs.filter((run) => run.agentName === "child")).toHaveLength(1);
    expect(runs.find((run) => run.agentName === "parent")).toMatchObject({ status: "WAITING", leaseOwner: null });
    // The start was executed again under the same idempotency key, and journaled this time.
    expect((await inner.listSteps("org-1", parentRun.id)).map((step) => [step.key, step.status])).toEqual([["agent:child#0", "SUCCEEDED"]]);
  });
});
