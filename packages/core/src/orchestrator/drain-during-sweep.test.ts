import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, storeWith } from "./orchestrator-test-kit.js";


describe("drain while a sweep is claiming runs", () => {
  it("waits for the claim, hands the claimed runs back instead of executing them, and another instance resumes them", async () => {
    const clock = createManualClock();
    const inner = createMemoryRunStore();
    let releaseClaim: () => void = () => undefined;
    let claiming = false;
    // The first claim is slow to answer; later ones (the other instance's) are not.
    const slowClaims: RunStore = storeWith(inner, {
      claimRuns: async (input: Parameters<RunStore["claimRuns"]>[0]) => {
        claiming = true;
        await new Promise<void>((resolve) => (releaseClaim = resolve));
        return inner.claimRuns(input);
      },
    });
    const log: string[] = [];
    const agent = defineAgent({
      name: "napper",
      version: "1.0.0",
      description: "Sleeps then acts",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        await ctx.sleep("nap", 1_000);
        await ctx.step("act", async () => void log.push("acted"));
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], store: slowClaims, clock, durability: { executorId: "a", sweepIntervalMs: 0 } });
    const waiting = await orchestrator.orchestrate({ agent: "napper", input: {}, context: caller });
    expect(waiting.status).toBe("WAITING");
    await clock.advance(1_000); // the local wake-up timer starts a sweep
    await flush();
    expect(claiming).toBe(true);
    const drained = orchestrator.drain({ deadlineMs: 5_000 }).then(() => void log.push("drained"));
    await flush();
    expect(log).toEqual([]);
    releaseClaim();
    await drained;
    await flush();
    // Drain leaves due and waiting runs to other instances; this one must not end it, and certainly not as FAILED.
    expect(log).toEqual(["drained"]);
    // Given up: its owner cleared, so that the next claim takes it at once and counts no takeover.
    expect(await inner.getRun("org-1", waiting.id)).toMatchObject({ status: "RUNNING", leaseOwner: null, takeovers: 0 });

    await clock.advance(1);
    const other = createOrchestrator({ agents: [agent], store: inner, clock, durability: { executorId: "b", sweepIntervalMs: 0 } });
    expect(await other.resumeDueRuns()).toBe(1);
    await flush();
    expect(log).toEqual(["drained", "acted"]);
    expect(await inner.getRun("org-1", waiting.id)).toMatchObject({ status: "COMPLETED", takeovers: 0 });
  });
});
