import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle } from "./orchestrator-test-kit.js";


describe("cancelling a parent while a child's start is in flight", () => {
  it("cancels the child once it is stored, before it is queued, so it never acts", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const effects: string[] = [];
    const child = defineAgent({
      name: "child",
      version: "1.0.0",
      description: "Acts",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        await ctx.step("effect", async () => void effects.push("child acted"));
        return {};
      },
    });
    const parent = defineAgent({
      name: "parent",
      version: "1.0.0",
      description: "Starts a child",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        await ctx.runAgent(child, {});
        return {};
      },
    });
    // Authorization is asynchronous (a lookup), and applies to children too.
    const orchestrator = createOrchestrator({ agents: [parent, child], store, clock, durability: { sweepIntervalMs: 0 }, authorize: async () => (await clock.sleep(10), true) });
    const pending = settle(orchestrator.orchestrate({ agent: "parent", input: {}, context: caller }));
    await flush();
    await clock.advance(10); // the parent's own authorization
    await flush();
    const [run] = (await store.listRuns({ organizationId: "org-1", agentName: "parent", limit: 1 })).runs;
    expect(run?.status).toBe("RUNNING"); // its child's start is being authorized
    const cancelled = await orchestrator.cancel("org-1", run!.id);
    expect(cancelled.status).toBe("CANCELLED");
    await clock.advance(10);
    await flush();
    await pending;
    const children = (await store.listRuns({ organizationId: "org-1", parentRunId: run!.id, limit: 10 })).runs;
    expect(children.map((c) => c.status)).toEqual(["CANCELLED"]);
    expect(effects).toEqual([]);
  });
});
