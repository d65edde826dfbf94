import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { MAX_CHILD_RUN_DEPTH, MAX_CHILD_RUNS_PER_RUN } from "./child-run-limits.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle } from "./orchestrator-test-kit.js";

const recursive = defineAgent({
  name: "recursive",
  version: "1.0.0",
  description: "Calls itself",
  input: z.object({}),
  output: z.object({}),
  handle: async (_input, ctx) => ctx.runAgent<Record<string, never>>("recursive", {}),
});

describe("limits of a child run tree", () => {
  it("fails the run that would start a child deeper than the limit, with CHILD_RUN_LIMIT, instead of recursing for ever", async () => {
    const store = createMemoryRunStore();
    const orchestrator = createOrchestrator({ agents: [recursive], store, clock: createManualClock(), durability: { sweepIntervalMs: 0 } });
    const root = await orchestrator.orchestrate({ agent: "recursive", input: {}, context: caller });
    const all = async () => (await store.listRuns({ organizationId: "org-1", limit: 100 })).runs;
    await vi.waitFor(async () => {
      await orchestrator.resumeDueRuns();
      expect((await store.getRun("org-1", root.id))?.status).toBe("FAILED");
    });
    await flush();
    const runs = await all();
    // The root and one child per level, down to the deepest allowed.
    expect(runs).toHaveLength(MAX_CHILD_RUN_DEPTH + 1);
    const deepest = runs.find((run) => run.error?.code === "CHILD_RUN_LIMIT");
    expect(deepest).toMatchObject({ status: "FAILED", statusReason: "child_run_limit" });
    expect(deepest?.error?.message).toContain(`deeper than ${MAX_CHILD_RUN_DEPTH}`);
    expect(runs.every((run) => run.status === "FAILED")).toBe(true);
  });

  it("stops a tree at the depth the orchestrator is given", async () => {
    const store = createMemoryRunStore();
    const orchestrator = createOrchestrator({ agents: [recursive], store, clock: createManualClock(), durability: { sweepIntervalMs: 0 }, childRuns: { maxDepth: 2 } });
    const root = await orchestrator.orchestrate({ agent: "recursive", input: {}, context: caller });
    await vi.waitFor(async () => {
      await orchestrator.resumeDueRuns();
      expect((await store.getRun("org-1", root.id))?.status).toBe("FAILED");
    });
    await flush();
    const runs = (await store.listRuns({ organizationId: "org-1", limit: 100 })).runs;
    expect(runs).toHaveLength(3);
    expect(runs.find((run) => run.error?.code === "CHILD_RUN_LIMIT")?.error?.message).toContain("deeper than 2");
  });

  it("refuses limits that are not positive integers when the orchestrator is created", () => {
    for (const childRuns of [{ maxDepth: 0 }, { maxPerRun: -1 }, { maxPerRun: 1.5 }, { maxDepth: Number.NaN }]) {
      expect(() => createOrchestrator({ agents: [], childRuns })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID" }));
    }
  });

  it("refuses the child past the limit of children one run may start, as a typed error the handler can catch", async () => {
    const store = createMemoryRunStore({ maxRuns: 5_000 });
    const leaf = defineAgent({ name: "leaf", version: "1.0.0", description: "Does nothing", input: z.object({}), output: z.object({}), handle: async () => ({}) });
    const refused: unknown[] = [];
    const fanOut = defineAgent({
      name: "fan-out",
      version: "1.0.0",
      description: "Starts one child more than allowed",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        const starts = Array.from({ length: MAX_CHILD_RUNS_PER_RUN + 1 }, () => ctx.runAgent(leaf, {}).catch((error: unknown) => void refused.push(error)));
        await Promise.all(starts);
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [fanOut, leaf], store, clock: createManualClock(), durability: { sweepIntervalMs: 0 } });
    const started = await settle(orchestrator.orchestrate({ agent: "fan-out", input: {}, context: caller }));
    await vi.waitFor(async () => {
      await orchestrator.resumeDueRuns();
      expect((await store.getRun("org-1", (started as { id: string }).id))?.status).toBe("COMPLETED");
    }, { timeout: 20_000 });
    // Refused again on every resume of the handler, always the one past the limit.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((error) => (error as { code?: string }).code === "CHILD_RUN_LIMIT")).toBe(true);
    let children = 0;
    let cursor: string | undefined;
    do {
      const page = await store.listRuns({ organizationId: "org-1", parentRunId: (started as { id: string }).id, limit: 500, ...(cursor ? { cursor } : {}) });
      children += page.runs.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(children).toBe(MAX_CHILD_RUNS_PER_RUN);
  }, 30_000);
});
