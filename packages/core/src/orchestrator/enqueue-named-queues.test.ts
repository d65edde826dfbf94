import { describe, expect, it, vi } from "vitest";
import type { RunJob, RunQueue } from "../ports/run-queue.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { caller, scriptedAgent, setup } from "./orchestrator-test-kit.js";

describe("enqueue onto named queues", () => {
  it("puts each run on its agent's queue, `runs` for agents that name none, and reports that queue's depth", async () => {
    const held: RunJob[] = [];
    const queue: RunQueue = {
      durable: true,
      add: async (job) => void held.push(job),
      pending: (name) => held.filter((job) => name === undefined || job.queue === name).length,
      close: async () => undefined,
    };
    const sender = scriptedAgent(async (input) => input, { name: "sms-sender", queue: "sms.send" });
    const writer = scriptedAgent(async (input) => input);
    const { orchestrator, metrics } = setup([sender, writer], { queue });
    const first = await orchestrator.enqueue({ agent: "sms-sender", input: { text: "hi" }, context: caller });
    await orchestrator.enqueue({ agent: "sms-sender", input: { text: "again" }, context: caller });
    const other = await orchestrator.enqueue({ agent: "writer", input: { text: "draft" }, context: caller });
    expect(held.map((job) => [job.runId, job.queue])).toEqual([
      [first.id, "sms.send"],
      [held[1]?.runId, "sms.send"],
      [other.id, "runs"],
    ]);
    expect(metrics.ofType("queueDepthChanged")).toEqual([
      { queue: "sms.send", pending: 1 },
      { queue: "sms.send", pending: 2 },
      { queue: "runs", pending: 1 },
    ]);
  });

  it("starts a job that names its agent without reading its run first, and reads the run of a job that does not", async () => {
    const held: RunJob[] = [];
    let execute: ((job: RunJob) => Promise<void>) | undefined;
    const queue: RunQueue = {
      durable: true,
      start: (executeJob) => void (execute = executeJob),
      add: async (job) => void held.push(job),
      pending: () => held.length,
      close: async () => undefined,
    };
    const store = createMemoryRunStore();
    const reads = vi.spyOn(store, "getRun");
    const { orchestrator } = setup([scriptedAgent(async (input) => input, { name: "writer" })], { queue, store });
    const named = await orchestrator.enqueue({ agent: "writer", input: { text: "one" }, context: caller });
    const unnamed = await orchestrator.enqueue({ agent: "writer", input: { text: "two" }, context: caller });
    expect(held.map((job) => job.agentName)).toEqual(["writer", "writer"]);

    await execute?.(held[0]!);
    expect(reads).not.toHaveBeenCalled();
    expect((await store.getRun(caller.organizationId, named.id))?.status).toBe("COMPLETED");
    // Delivered again, it is refused by the start: the run ran once.
    await execute?.(held[0]!);
    expect((await store.getRun(caller.organizationId, named.id))?.attempts).toBe(1);

    reads.mockClear();
    const { agentName: _agentName, ...withoutAgent } = held[1]!;
    await execute?.(withoutAgent);
    expect(reads).toHaveBeenCalledTimes(1);
    expect((await store.getRun(caller.organizationId, unnamed.id))?.status).toBe("COMPLETED");
  });

  it("refuses an agent whose queue name a queue cannot carry", () => {
    expect(() => setup([scriptedAgent(async (input) => input, { queue: "SMS:send" })])).toThrow(/queue name/);
  });
});
