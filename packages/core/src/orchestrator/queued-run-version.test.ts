import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunJob, RunQueue } from "../ports/run-queue.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush } from "./orchestrator-test-kit.js";


/** A durable queue shared by instances (as BullMQ): jobs are kept until a worker takes them. */
function sharedQueue() {
  const jobs: RunJob[] = [];
  const queue = (): RunQueue & { execute?: (job: RunJob) => Promise<void> } => {
    const self: RunQueue & { execute?: (job: RunJob) => Promise<void> } = {
      durable: true,
      start: (execute) => void (self.execute = execute),
      add: async (job) => void jobs.push(job),
      pending: () => jobs.length,
      close: async () => undefined,
    };
    return self;
  };
  return { jobs, queue };
}

const agentOf = (version: string, steps: string[]) =>
  defineAgent({
    name: "mailer",
    version,
    description: "Sends, waits, sends",
    input: z.object({}),
    output: z.object({}),
    handle: async (_input, ctx) => {
      for (const key of steps) {
        if (key === "nap") await ctx.sleep("nap", 1_000);
        else await ctx.step(key, async () => key);
      }
      return {};
    },
  });

describe("a queued run created by one version and executed by another", () => {
  it("is pinned to the version that started it, and resumes on that version", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const shared = sharedQueue();
    // A rolling deploy: the API instance still has 1.0.0, the worker already has 2.0.0.
    const api = createOrchestrator({ agents: [agentOf("1.0.0", ["first", "nap", "second"])], store, clock, queue: shared.queue(), durability: { sweepIntervalMs: 0 } });
    const workerQueue = shared.queue();
    const worker = createOrchestrator({ agents: [agentOf("2.0.0", ["renamed", "nap", "second"])], store, clock, queue: workerQueue, durability: { sweepIntervalMs: 0 } });
    const queued = await api.enqueue({ agent: "mailer", input: {}, context: caller });
    expect(queued).toMatchObject({ status: "QUEUED", agentVersion: "1.0.0" });
    await workerQueue.execute!(shared.jobs.shift()!);
    const waiting = await store.getRun("org-1", queued.id);
    // Version 2.0.0 ran it and journaled "renamed": the run says so.
    expect(waiting).toMatchObject({ status: "WAITING", agentVersion: "2.0.0" });
    await clock.advance(1_000);
    await flush();
    await worker.resumeDueRuns();
    await flush();
    const ended = await store.getRun("org-1", queued.id);
    expect(ended).toMatchObject({ status: "COMPLETED", agentVersion: "2.0.0" });
  });
});
