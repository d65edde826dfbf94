import { describe, expect, it } from "vitest";
import type { RunJob, RunQueue } from "../ports/run-queue.js";
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

  it("refuses an agent whose queue name a queue cannot carry", () => {
    expect(() => setup([scriptedAgent(async (input) => input, { queue: "SMS:send" })])).toThrow(/queue name/);
  });
});
