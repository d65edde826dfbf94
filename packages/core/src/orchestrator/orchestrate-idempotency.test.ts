import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { caller, scriptedAgent, settle, setup } from "./orchestrator-test-kit.js";

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
