import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunContext } from "../model/run-context.js";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import recordedAnnouncerRun from "./__fixtures__/announcer-run.json" with { type: "json" };
import { replayRunHistory } from "./replay-run-history.js";

const caller = { userId: "user-1", organizationId: "org-1" };

const announcer = (version: string, handle: (context: RunContext, send: (text: string) => Promise<string>) => Promise<string>, send = vi.fn(async (text: string) => `sent:${text}`)) =>
  defineAgent({
    name: "announcer",
    version,
    description: "Announces",
    input: z.object({ topic: z.string() }),
    output: z.object({ summary: z.string() }),
    handle: async (_input, context) => ({ summary: await handle(context, (text) => context.tool("slack.postMessage", { text }, () => send(text), { repeatSafety: "unsafe" })) }),
  });

async function record() {
  const store = createMemoryRunStore();
  const agent = announcer("1.0.0", async (context, send) => {
    const draft = await context.step("draft", async () => "spring sale");
    return send(draft);
  });
  const orchestrator = createOrchestrator({ agents: [agent], store, durability: { sweepIntervalMs: 0 } });
  const run = await orchestrator.orchestrate({ agent: "announcer", input: { topic: "spring" }, context: caller });
  return { run, steps: await store.listSteps(caller.organizationId, run.id) };
}

describe("replayRunHistory", () => {
  it("replays a recorded run against unchanged code without calling any step function", async () => {
    const history = await record();
    const draft = vi.fn(async () => "something else");
    const send = vi.fn(async () => "must not be sent");
    const [result] = await replayRunHistory({
      agent: announcer("1.1.0", async (context, post) => post(await context.step("draft", draft)), send),
      history: [history],
    });
    expect(result).toMatchObject({ runId: history.run.id, outcome: "completed", output: { summary: "sent:spring sale" }, recordedOutput: { summary: "sent:spring sale" }, error: null });
    expect(draft).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
  });

  it("replays a history read back from a JSON file", async () => {
    const history = JSON.parse(JSON.stringify(await record())) as Awaited<ReturnType<typeof record>>;
    const [result] = await replayRunHistory({ agent: announcer("1.0.1", async (context, post) => post(await context.step("draft", async () => "x"))), history: [history] });
    expect(result).toMatchObject({ outcome: "completed", output: { summary: "sent:spring sale" } });
  });

  it("replays a history imported from a JSON file as it is, times and names as strings", async () => {
    const [result] = await replayRunHistory({ agent: announcer("1.0.2", async (context, post) => post(await context.step("draft", async () => "x"))), history: [recordedAnnouncerRun] });
    expect(result).toMatchObject({ outcome: "completed", output: { summary: "sent:spring sale" }, recordedOutput: { summary: "sent:spring sale" } });
  });

  it("refuses a recorded step whose kind or status no journal holds, naming the field", async () => {
    const history = { ...recordedAnnouncerRun, steps: recordedAnnouncerRun.steps.map((step, position) => (position === 1 ? { ...step, kind: "tool" } : step)) };
    await expect(replayRunHistory({ agent: announcer("1.0.2", async (context, post) => post(await context.step("draft", async () => "x"))), history: [history] })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      fieldErrors: [{ path: "history.0.steps.1.kind" }],
    });
  });

  it("reports a change that asks for another step at a recorded position as diverged", async () => {
    const history = await record();
    const [result] = await replayRunHistory({
      agent: announcer("2.0.0", async (context, post) => post(await context.step("draft-v2", async () => "x"))),
      history: [history],
    });
    expect(result).toMatchObject({ outcome: "diverged", error: { code: "NON_DETERMINISTIC", message: expect.stringContaining('"draft-v2"') } });
  });

  it("reports a change that adds a step after the recorded ones as history_ended, running nothing new", async () => {
    const history = await record();
    const extra = vi.fn(async () => "new");
    const [result] = await replayRunHistory({
      agent: announcer("1.2.0", async (context, post) => {
        const sent = await post(await context.step("draft", async () => "x"));
        await context.step("follow-up", extra);
        return sent;
      }),
      history: [history],
    });
    expect(result).toMatchObject({ outcome: "history_ended", error: { message: expect.stringContaining('"follow-up"') } });
    expect(extra).not.toHaveBeenCalled();
  });

  it("replays a with-key step whose provider keeps its key for a while, and ends the history at one left STARTED whatever its age", async () => {
    const store = createMemoryRunStore();
    const keyed = (version: string, send: (text: string) => Promise<string>) =>
      defineAgent({
        name: "announcer",
        version,
        description: "Announces",
        input: z.object({ topic: z.string() }),
        output: z.object({ summary: z.string() }),
        handle: async (input, context) => ({ summary: await context.tool("discord.sendChannelMessage", { text: input.topic }, () => send(input.topic), { repeatSafety: "with-key", keyRetentionMs: 120_000 }) }),
      });
    const orchestrator = createOrchestrator({ agents: [keyed("1.0.0", async (text) => `sent:${text}`)], store, durability: { sweepIntervalMs: 0 } });
    const run = await orchestrator.orchestrate({ agent: "announcer", input: { topic: "spring" }, context: caller });
    const steps = await store.listSteps(caller.organizationId, run.id);
    const send = vi.fn(async () => "must not be sent");
    const interrupted = { run: { ...run, status: "RUNNING" as const, output: null }, steps: steps.map((step) => ({ ...step, status: "STARTED" as const, output: null, completedAt: null, startedAt: new Date(Date.now() - 2 * 86_400_000) })) };
    const results = await replayRunHistory({ agent: keyed("1.1.0", send), history: [{ run, steps }, interrupted] });
    expect(results).toMatchObject([
      { outcome: "completed", output: { summary: "sent:spring" } },
      { outcome: "history_ended", error: { message: expect.stringContaining('"discord.sendChannelMessage#0"') } },
    ]);
    expect(send).not.toHaveBeenCalled();
  });
});
