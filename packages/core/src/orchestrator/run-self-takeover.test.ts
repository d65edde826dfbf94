import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle, storeWith } from "./orchestrator-test-kit.js";

const LEASE_MS = 30_000;

/** A store whose lease renewals fail while `partition.on` (a flaky connection); everything else works. */
function flakyRenewals(inner: RunStore, partition: { on: boolean }): RunStore {
  return storeWith(inner, {
    renewLeases: async (input: Parameters<RunStore["renewLeases"]>[0]) => {
      if (partition.on) throw new Error("connection reset");
      return inner.renewLeases(input);
    },
  });
}

/** An agent with one long call that ends only when its signal aborts; records which executions were stopped. */
function slowAgent(executions: { count: number; aborted: number[] }) {
  return defineAgent({
    name: "slow",
    version: "1.0.0",
    description: "A long call",
    input: z.object({}),
    output: z.object({}),
    policies: { timeoutMs: 3_600_000 },
    handle: async (_input, ctx) => {
      const execution = (executions.count += 1);
      await ctx.step("call", (step) => new Promise<void>((_resolve, reject) => step.signal.addEventListener("abort", () => (executions.aborted.push(execution), reject(step.signal.reason)))));
      return {};
    },
  });
}

async function advance(clock: ManualClock, seconds: number) {
  for (let t = 0; t < seconds; t += 1) {
    await clock.advance(1_000);
    await flush();
  }
}

describe("an executor whose own lease on a run lapsed", () => {
  it("stops its old execution when its sweep takes the run over, and can still cancel the run", async () => {
    const clock = createManualClock();
    const inner = createMemoryRunStore();
    const partition = { on: true };
    const executions = { count: 0, aborted: [] as number[] };
    const orchestrator = createOrchestrator({ agents: [slowAgent(executions)], store: flakyRenewals(inner, partition), clock, durability: { executorId: "a", leaseMs: LEASE_MS, sweepIntervalMs: 1_000 } });
    const pending = settle(orchestrator.orchestrate({ agent: "slow", input: {}, context: caller }));
    await flush();
    await advance(clock, 31);
    partition.on = false;
    await advance(clock, 11);
    const [run] = (await inner.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    // This very process's sweep claimed the run (fence 2) and resumed it; the old execution stopped first.
    expect(run?.fence).toBe(2);
    expect(executions.count).toBe(2);
    expect(executions.aborted).toEqual([1]);
    expect(await pending).toMatchObject({ code: "LEASE_LOST" });
    const cancelled = await orchestrator.cancel("org-1", run!.id);
    await flush();
    expect(cancelled.status).toBe("CANCELLED");
    expect((await inner.getRun("org-1", run!.id))?.status).toBe("CANCELLED");
    expect(executions.aborted).toEqual([1, 2]);
  });

  it("is stopped at its next renewal when another instance with the same executor id took the run over", async () => {
    const clock = createManualClock();
    const inner = createMemoryRunStore();
    const partition = { on: true };
    const first = { count: 0, aborted: [] as number[] };
    const second = { count: 0, aborted: [] as number[] };
    // Two instances configured with one executor id: only the run's fence tells their executions apart.
    const durability = { executorId: "worker", leaseMs: LEASE_MS, sweepIntervalMs: 0 };
    const old = createOrchestrator({ agents: [slowAgent(first)], store: flakyRenewals(inner, partition), clock, durability });
    const other = createOrchestrator({ agents: [slowAgent(second)], store: inner, clock, durability });
    const pending = settle(old.orchestrate({ agent: "slow", input: {}, context: caller }));
    await flush();
    await advance(clock, 31);
    expect(await other.resumeDueRuns()).toBe(1);
    await flush();
    expect(second.count).toBe(1);
    partition.on = false;
    await advance(clock, 10);
    expect(first.aborted).toEqual([1]);
    expect(second.aborted).toEqual([]);
    expect(await pending).toMatchObject({ code: "LEASE_LOST" });
    const [run] = (await inner.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    expect(run).toMatchObject({ status: "RUNNING", leaseOwner: "worker", fence: 2 });
    await other.cancel("org-1", run!.id);
  });
});
