import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunJob, RunQueue } from "../ports/run-queue.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush } from "./orchestrator-test-kit.js";


describe("child runs on a bounded memory store", () => {
  it("completes a waiting parent whose ended child would have been dropped for newer runs", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore({ maxRuns: 10 });
    const jobs: RunJob[] = [];
    const holdingQueue: RunQueue = { durable: true, add: async (job) => void jobs.push(job), pending: () => jobs.length, close: async () => undefined };
    let execute: ((job: RunJob) => Promise<void>) | undefined;
    const workerQueue: RunQueue = { durable: true, start: (e) => void (execute = e), add: async () => undefined, pending: () => 0, close: async () => undefined };
    const child = defineAgent({ name: "child", version: "1.0.0", description: "c", input: z.object({ n: z.number() }), output: z.object({ n: z.number() }), handle: async ({ n }) => ({ n }) });
    const parent = defineAgent({
      name: "parent",
      version: "1.0.0",
      description: "p",
      input: z.object({}),
      output: z.object({ n: z.number() }),
      handle: async (_input, ctx) => ctx.runAgent(child, { n: 7 }),
    });
    // The API instance runs parents; a worker runs children (its sweep only claims children).
    const api = createOrchestrator({ agents: [parent, child], store, clock, queue: holdingQueue, durability: { sweepIntervalMs: 0 } });
    const worker = createOrchestrator({ agents: [child], store, clock, queue: workerQueue, durability: { sweepIntervalMs: 0 } });
    const waiting = await api.orchestrate({ agent: "parent", input: {}, context: caller });
    expect(waiting.status).toBe("WAITING");
    await execute!(jobs.shift()!);
    await flush();
    // Other traffic before the parent's instance sweeps (a second later).
    for (let i = 0; i < 10; i += 1) await worker.orchestrate({ agent: "child", input: { n: i }, context: caller });
    await clock.advance(1_000);
    await api.resumeDueRuns();
    await flush();
    const ended = await store.getRun("org-1", waiting.id);
    expect(ended).toMatchObject({ status: "COMPLETED", output: { n: 7 } });
  });
});
