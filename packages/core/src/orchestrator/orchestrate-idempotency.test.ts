import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, scriptedAgent, settle, setup } from "./orchestrator-test-kit.js";

describe("orchestrate: idempotency", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());

  it("returns the same run without a second execution for the same key and input", async () => {
    const agent = scriptedAgent(async (input) => ({ text: `${input.text}!` }));
    const { orchestrator } = setup([agent]);
    const first = await orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: caller, idempotencyKey: "k1" });
    const again = await orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: caller, idempotencyKey: "k1" });
    expect(again).toEqual(first);
    expect(agent.handle).toHaveBeenCalledTimes(1);
  });

  it("executes once when 100 calls with one key race", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const agent = scriptedAgent(async (input) => {
      await gate;
      return input;
    });
    const { orchestrator, store } = setup([agent], { policies: { admission: { limit: 1_000 } } });
    const calls = Array.from({ length: 100 }, () => settle(orchestrator.orchestrate({ agent: "writer", input: { text: "same" }, context: caller, idempotencyKey: "race" })));
    await vi.advanceTimersByTimeAsync(10);
    release();
    await vi.advanceTimersByTimeAsync(100);
    const runs = (await Promise.all(calls)) as Array<{ id: string; status: string }>;
    expect(new Set(runs.map((run) => run.id)).size).toBe(1);
    expect(runs.every((run) => run.status === "COMPLETED")).toBe(true);
    expect(agent.handle).toHaveBeenCalledTimes(1);
    expect((await store.listRuns({ organizationId: "org-1", limit: 10 })).runs).toHaveLength(1);
  });

  it("fails with IDEMPOTENCY_CONFLICT when the key is reused with another input", async () => {
    const agent = scriptedAgent(async (input) => input);
    const { orchestrator } = setup([agent]);
    const first = await orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: caller, idempotencyKey: "k" });
    const conflict = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "b" }, context: caller, idempotencyKey: "k" }));
    expect(conflict).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", runId: first.id });
    expect(agent.handle).toHaveBeenCalledTimes(1);
  });

  it("scopes keys to the organization", async () => {
    const agent = scriptedAgent(async (input) => input);
    const { orchestrator } = setup([agent]);
    const first = await orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: caller, idempotencyKey: "k" });
    const other = await orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: { ...caller, organizationId: "org-2" }, idempotencyKey: "k" });
    expect(other.id).not.toBe(first.id);
  });

  it("replays a failed run's error with its run id instead of running again", async () => {
    const agent = scriptedAgent(async () => {
      throw new Error("bad day");
    });
    const { orchestrator } = setup([agent]);
    const first = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: caller, idempotencyKey: "k" }));
    const replay = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: caller, idempotencyKey: "k" }));
    expect(replay).toMatchObject({ code: "HANDLER_FAILED", message: "bad day", runId: (first as { runId: string }).runId });
    expect(agent.handle).toHaveBeenCalledTimes(1);
  });

  it("does not count a replay against the admission limit", async () => {
    const agent = scriptedAgent(async (input) => input);
    const { orchestrator } = setup([agent], { policies: { admission: { limit: 1 } } });
    await orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: caller, idempotencyKey: "k" });
    await expect(orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: caller, idempotencyKey: "k" })).resolves.toMatchObject({ status: "COMPLETED" });
  });
});

describe("orchestrate: idempotency while the run begins to wait", () => {
  it("answers a repeated request with the WAITING run, as the first caller got, not a timeout", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const agent = defineAgent({
      name: "approver",
      version: "1.0.0",
      description: "Prepares, then waits for approval",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        await ctx.step("prepare", () => clock.sleep(100));
        await ctx.waitForSignal("approval", { timeoutMs: 3_600_000 });
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { sweepIntervalMs: 0 } });
    const request = { agent: "approver", input: {}, context: caller, idempotencyKey: "k-1" };
    const first = settle(orchestrator.orchestrate(request));
    await flush();
    const second = settle(orchestrator.orchestrate(request)); // a client retry
    await flush();
    await clock.advance(100);
    await flush();
    expect(await first).toMatchObject({ status: "WAITING" });
    for (let i = 0; i < 130; i += 1) {
      await clock.advance(1_000);
      await flush();
    }
    expect(await second).toMatchObject({ status: "WAITING" });
  });
});
