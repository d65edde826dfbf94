import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunContext } from "../model/run-context.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { STORABLE_VALUE_LIMITS } from "../util/storable-value.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { flush, settle } from "./orchestrator-test-kit.js";

const caller = { userId: "user-1", organizationId: "org-1" };
const HOUR = 3_600_000;

function setup(handle: (context: RunContext) => Promise<unknown>, sweepIntervalMs = 0) {
  const clock = createManualClock();
  const store = createMemoryRunStore();
  const agent = defineAgent({
    name: "approver",
    version: "1.0.0",
    description: "Waits",
    input: z.object({ amount: z.number() }),
    output: z.object({ result: z.unknown() }),
    handle: async (_input, context) => ({ result: await handle(context) }),
  });
  const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { sweepIntervalMs } });
  const start = () => orchestrator.orchestrate({ agent: "approver", input: { amount: 500 }, context: caller });
  return { clock, store, orchestrator, start };
}

describe("durable waits", () => {
  it("sleeps as WAITING, holding no execution, and resumes from its journal when the time has passed", async () => {
    const effects: string[] = [];
    const { clock, orchestrator, start } = setup(async (context) => {
      await context.step("before", async () => void effects.push("before"));
      await context.sleep("cool-down", 2 * HOUR);
      await context.step("after", async () => void effects.push("after"));
      return effects.length;
    }, 60_000);
    const waiting = await start();
    expect(waiting).toMatchObject({ status: "WAITING", leaseOwner: null });
    expect(waiting.wakeAt?.getTime()).toBe(clock.now() + 2 * HOUR);
    expect((await orchestrator.drain({ deadlineMs: 0 })).interrupted).toEqual([]);
  });

  it("wakes a short sleep on this instance and a long one through the sweep", async () => {
    const effects: string[] = [];
    const { clock, store, orchestrator, start } = setup(async (context) => {
      await context.step("before", async () => void effects.push("before"));
      await context.sleep("cool-down", 30_000);
      await context.sleep("overnight", 12 * HOUR);
      await context.step("after", async () => void effects.push("after"));
      return effects;
    }, 60_000);
    const { id } = await start();
    await clock.advance(30_000);
    await flush();
    const afterShort = await store.getRun("org-1", id);
    expect(afterShort?.status).toBe("WAITING");
    expect(afterShort?.wakeAt?.getTime()).toBe(clock.now() + 12 * HOUR);
    for (let minute = 0; minute < 12 * 60 + 1; minute += 60) {
      await clock.advance(60 * 60_000);
      await flush();
    }
    expect(await store.getRun("org-1", id)).toMatchObject({ status: "COMPLETED", output: { result: ["before", "after"] } });
    expect((await orchestrator.getRun("org-1", id))?.steps.map((step) => [step.key, step.kind, step.status])).toEqual([
      ["before", "STEP", "SUCCEEDED"],
      ["cool-down", "SLEEP", "SUCCEEDED"],
      ["overnight", "SLEEP", "SUCCEEDED"],
      ["after", "STEP", "SUCCEEDED"],
    ]);
  });

  it("resumes a run waiting for a signal with its payload, sender and time", async () => {
    const { clock, orchestrator, start } = setup(async (context) => context.waitForSignal("approval", { timeoutMs: 24 * HOUR }));
    const waiting = await start();
    expect(waiting.status).toBe("WAITING");
    await clock.advance(5_000);
    const signalled = await orchestrator.signal("org-1", waiting.id, "approval", { approved: true, note: "ok" }, { sentBy: "manager-7" });
    expect(signalled.wakeAt?.getTime()).toBe(clock.now());
    await flush();
    const done = await orchestrator.getRun("org-1", waiting.id);
    expect(done).toMatchObject({ status: "COMPLETED", output: { result: { received: true, payload: { approved: true, note: "ok" }, sentBy: "manager-7", sentAt: new Date(clock.now()).toISOString() } } });
  });

  it("keeps a signal sent before the wait begins", async () => {
    let release: () => void = () => undefined;
    const { orchestrator, start } = setup(async (context) => {
      await context.step("slow", () => new Promise<void>((resolve) => (release = resolve)));
      return context.waitForSignal("approval", { timeoutMs: HOUR });
    });
    const pending = start();
    await flush();
    const [running] = (await orchestrator.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    await orchestrator.signal("org-1", running!.id, "approval", { approved: false });
    release();
    expect(await pending).toMatchObject({ status: "COMPLETED", output: { result: { received: true, payload: { approved: false }, sentBy: null } } });
  });

  it("wakes with a timeout result when no signal comes", async () => {
    const { clock, store, orchestrator, start } = setup(async (context) => context.waitForSignal("approval", { timeoutMs: HOUR }));
    const { id } = await start();
    await clock.advance(HOUR - 1);
    await flush();
    expect((await store.getRun("org-1", id))?.status).toBe("WAITING");
    await clock.advance(1);
    await flush();
    expect(await store.getRun("org-1", id)).toMatchObject({ status: "COMPLETED", output: { result: { received: false, timedOut: true } } });
    await expect(orchestrator.signal("org-1", id, "approval", {})).rejects.toMatchObject({ code: "SIGNAL_CONFLICT" });
  });

  it("refuses signals to another organization's run, a second one of a name, and bad names", async () => {
    const { orchestrator, start } = setup(async (context) => context.waitForSignal("approval", { timeoutMs: HOUR }));
    const { id } = await start();
    await expect(orchestrator.signal("org-2", id, "approval", {})).rejects.toMatchObject({ code: "RUN_NOT_FOUND" });
    await orchestrator.signal("org-1", id, "other", { first: true });
    await expect(orchestrator.signal("org-1", id, "other", { second: true })).rejects.toMatchObject({ code: "SIGNAL_CONFLICT" });
    await expect(orchestrator.signal("org-1", id, "../approval", {})).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    // The signal "other" woke the run, which looked again and parked once more for "approval".
    await flush();
    expect((await orchestrator.getRun("org-1", id))?.status).toBe("WAITING");
  });

  it("refuses a payload or sender the store cannot hold, like run input, before the signal is stored", async () => {
    const { store, orchestrator, start } = setup(async (context) => context.waitForSignal("approval", { timeoutMs: HOUR }));
    const { id } = await start();
    const deep = (depth: number): unknown => (depth === 0 ? 1 : { a: deep(depth - 1) });
    const refused: Array<[unknown, { sentBy?: string }, string]> = [
      [{ note: "a\u0000b" }, {}, "payload.note"],
      [{ items: ["ok", "\ud800"] }, {}, "payload.items.1"],
      [{ ["key\udc00"]: true }, {}, "payload.key\udc00"],
      [deep(STORABLE_VALUE_LIMITS.maxDepth + 1), {}, "payload.a.a"],
      [Number.POSITIVE_INFINITY, {}, "payload"],
      [{ approved: true }, { sentBy: "manager\u0000" }, "sentBy"],
      [{ approved: true }, { sentBy: 7 as unknown as string }, "sentBy"],
    ];
    for (const [payload, options, path] of refused) {
      const error = await settle(orchestrator.signal("org-1", id, "approval", payload, options));
      expect(error).toMatchObject({ code: "VALIDATION_FAILED" });
      expect((error as { fieldErrors: Array<{ path: string }> }).fieldErrors[0]?.path.startsWith(path)).toBe(true);
    }
    expect(await store.getSignal("org-1", id, "approval")).toBeNull();
    await orchestrator.signal("org-1", id, "other", deep(STORABLE_VALUE_LIMITS.maxDepth), { sentBy: "manager-7" });
    expect(await store.getSignal("org-1", id, "other")).toMatchObject({ sentBy: "manager-7" });
  });

  it("refuses with VALIDATION_FAILED a wait whose deadline no store can hold", async () => {
    const { store, start } = setup(async (context) => context.waitForSignal("approval", { timeoutMs: Number.MAX_SAFE_INTEGER }));
    const refused = await settle(start());
    expect(refused).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "timeoutMs" }] });
    const [run] = (await store.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    expect(run).toMatchObject({ status: "FAILED", wakeAt: null });

    const sleeper = setup(async (context) => context.sleep("nap", STORABLE_VALUE_LIMITS.maxTimestampMs));
    expect(await settle(sleeper.start())).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "ms" }] });
  });

  it("replays a wait journaled before its deadline passed, whatever duration the handler computes on the replay", async () => {
    // A handler that waits until a journaled time computes a negative duration once that time has passed: the
    // wait's deadline is the journaled one, so the duration it asks for on a replay is not looked at.
    const { clock, store, start } = setup(async (context) => {
      const launchAt = await context.step("launch-at", async () => clock.now() + HOUR + 1);
      await context.sleep("until-launch", launchAt - clock.now());
      const answer = await context.waitForSignal("go", { timeoutMs: launchAt + HOUR - clock.now() });
      return answer.received;
    }, 60_000);
    const { id } = await start();
    for (let minute = 0; minute < 2 * 60 + 2; minute += 1) {
      await clock.advance(60_000);
      await flush();
    }
    expect(await store.getRun("org-1", id)).toMatchObject({ status: "COMPLETED", output: { result: false } });
    expect((await store.listSteps("org-1", id)).map((step) => [step.key, step.status])).toEqual([
      ["launch-at", "SUCCEEDED"],
      ["until-launch", "SUCCEEDED"],
      ["go", "SUCCEEDED"],
    ]);
  });

  it("refuses to wait for a signal whose name no caller could send", async () => {
    for (const name of ["../approval", "child:approval"]) {
      const { start } = setup(async (context) => context.waitForSignal(name, { timeoutMs: HOUR }));
      expect(await settle(start())).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "name" }] });
    }
  });

  it("cancels a waiting run, which then never resumes", async () => {
    const { clock, store, orchestrator, start } = setup(async (context) => context.sleep("nap", 1_000));
    const { id } = await start();
    expect(await orchestrator.cancel("org-1", id)).toMatchObject({ status: "CANCELLED", statusReason: "cancelled" });
    await clock.advance(5_000);
    expect(await orchestrator.resumeDueRuns()).toBe(0);
    expect((await store.getRun("org-1", id))?.status).toBe("CANCELLED");
  });

  it("finishes in-flight steps before suspending, and starts none after", async () => {
    const started: string[] = [];
    let finishPost: () => void = () => undefined;
    const { orchestrator, start, store } = setup(async (context) => {
      const post = context.tool("slack.postMessage", {}, () => new Promise<string>((resolve) => (finishPost = () => resolve("ts-1"))), { repeatSafety: "safe" });
      const nap = context.sleep("nap", HOUR);
      started.push("post", "nap");
      await Promise.all([post, nap]);
      await context.step("later", async () => void started.push("later"));
      return "done";
    });
    const pending = settle(start());
    await flush();
    const [running] = (await orchestrator.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    expect(running?.status).toBe("RUNNING");
    finishPost();
    expect(await pending).toMatchObject({ status: "WAITING" });
    expect(started).toEqual(["post", "nap"]);
    expect((await store.listSteps("org-1", running!.id)).map((step) => [step.key, step.status])).toEqual([
      ["slack.postMessage#0", "SUCCEEDED"],
      ["nap", "STARTED"],
    ]);
  });
});
