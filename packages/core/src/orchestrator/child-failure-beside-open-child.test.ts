import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { CHILD_RECHECK_MS } from "./child-runs.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, goWaiter } from "./orchestrator-test-kit.js";

describe("a child that fails while its sibling is still open", () => {
  it("fails the parent that awaits both, instead of parking it until the sibling ends", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const waiter = goWaiter();
    const failing = defineAgent({ name: "failing", version: "1.0.0", description: "Fails", input: z.object({}), output: z.object({}), handle: async () => Promise.reject(new Error("boom")) });
    const parent = defineAgent({
      name: "parent",
      version: "1.0.0",
      description: "Awaits two children",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => (await Promise.all([ctx.runAgent(waiter, {}), ctx.runAgent(failing, {})]), {}),
    });
    const orchestrator = createOrchestrator({ agents: [parent, waiter, failing], store, clock, durability: { sweepIntervalMs: 0 } });
    const started = await orchestrator.orchestrate({ agent: "parent", input: {}, context: caller }).catch((error: { runId: string }) => ({ id: error.runId }));
    await vi.waitFor(async () => expect((await store.listRuns({ organizationId: "org-1", agentName: "failing", limit: 1 })).runs[0]?.status).toBe("FAILED"));
    for (let i = 0; i < 3; i += 1) {
      await clock.advance(CHILD_RECHECK_MS);
      await orchestrator.resumeDueRuns();
      await flush();
    }
    expect(await store.getRun("org-1", started.id)).toMatchObject({ status: "FAILED", error: { code: "CHILD_RUN_FAILED" } });
    expect((await store.listRuns({ organizationId: "org-1", agentName: "waiter", limit: 1 })).runs[0]?.status).toBe("WAITING");
  });
});
