import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle, storeWith } from "./orchestrator-test-kit.js";


describe("cancel while a run parks as waiting", () => {
  it("cancels a run whose cancel arrives while it is being parked as WAITING", async () => {
    const clock = createManualClock();
    const inner = createMemoryRunStore();
    let releaseSuspend: () => void = () => undefined;
    let suspending = false;
    // The store answers suspendRun a little later (a database round trip).
    const store: RunStore = storeWith(inner, {
      suspendRun: async (input: Parameters<RunStore["suspendRun"]>[0]) => {
        suspending = true;
        await new Promise<void>((resolve) => (releaseSuspend = resolve));
        return inner.suspendRun(input);
      },
    });
    const agent = defineAgent({
      name: "napper",
      version: "1.0.0",
      description: "Sleeps",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        await ctx.sleep("nap", 60_000);
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { sweepIntervalMs: 0 } });
    const pending = settle(orchestrator.orchestrate({ agent: "napper", input: {}, context: caller }));
    await flush();
    expect(suspending).toBe(true);
    const [run] = (await inner.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    const cancelling = orchestrator.cancel("org-1", run!.id);
    await flush();
    releaseSuspend();
    const cancelled = await cancelling;
    await pending;
    // The user asked to cancel and got an answer: the run must be final.
    expect(cancelled.status).toBe("CANCELLED");
    expect((await inner.getRun("org-1", run!.id))?.status).toBe("CANCELLED");
  });
});
