// The tests of agents that wait and start child runs shown in docs/testing-with-mocks.md, kept here so that the
// examples stay true.
import { expect, it, vi } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createManualClock } from "./manual-clock.js";
import { runAgentForTest } from "./run-agent-for-test.js";
// The lead scorers shown in the guide: a child agent that scores a lead in a step, and a parent that runs one per lead.
import { scoreAll, scoreLead } from "../orchestrator/orchestrator-test-kit.js";

const approvalGate = defineAgent({
  name: "approval-gate",
  version: "1.0.0",
  description: "Waits a cool-down, then for approval",
  input: z.object({ campaign: z.string() }),
  output: z.object({ status: z.enum(["approved", "rejected", "timed_out"]), by: z.string().nullable() }),
  handle: async (_input, ctx) => {
    await ctx.sleep("cool-down", 60 * 60_000);
    const answer = await ctx.waitForSignal<{ approved: boolean }>("approval", { timeoutMs: 24 * 60 * 60_000 });
    if (!answer.received) return { status: "timed_out" as const, by: null };
    return { status: answer.payload.approved ? ("approved" as const) : ("rejected" as const), by: answer.sentBy };
  },
});

it("waits a cool-down, then for approval", async () => {
  const clock = createManualClock();
  const { run, orchestrator } = await runAgentForTest({ agent: approvalGate, input: { campaign: "spring" }, orchestratorOptions: { clock } });
  expect(run?.status).toBe("WAITING");
  await clock.advance(60 * 60_000);
  await orchestrator.signal(run!.organizationId, run!.id, "approval", { approved: true }, { sentBy: "maria" });
  expect(await orchestrator.waitForRun(run!.organizationId, run!.id)).toMatchObject({ status: "COMPLETED", output: { status: "approved", by: "maria" } });
});

it("gives up after a day without an answer", async () => {
  const clock = createManualClock();
  const { run, orchestrator } = await runAgentForTest({ agent: approvalGate, input: { campaign: "spring" }, orchestratorOptions: { clock, durability: { sweepIntervalMs: 0 } } });
  const current = () => orchestrator.getRun(run!.organizationId, run!.id);
  await clock.advance(60 * 60_000);
  await vi.waitFor(async () => expect(await current()).toMatchObject({ status: "WAITING", steps: [{ key: "cool-down" }, { key: "approval", status: "STARTED" }] }));
  await clock.advance(24 * 60 * 60_000);
  expect(await orchestrator.waitForRun(run!.organizationId, run!.id)).toMatchObject({ status: "COMPLETED", output: { status: "timed_out" } });
});

it("scores every lead in a child run", async () => {
  const { run, error, orchestrator } = await runAgentForTest({ agent: scoreAll, agents: [scoreLead], input: { emails: ["a@x.io", "bb@x.io"] } });
  expect(error).toBeUndefined();
  expect(await orchestrator.waitForRun(run!.organizationId, run!.id)).toMatchObject({ status: "COMPLETED", output: { total: 13 } });
  const finished = await orchestrator.getRun(run!.organizationId, run!.id);
  expect(finished?.children.map((child) => [child.agentName, child.status])).toEqual([["score-lead", "COMPLETED"], ["score-lead", "COMPLETED"]]);
});
