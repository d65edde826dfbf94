import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, goWaiter, settle } from "./orchestrator-test-kit.js";

/** A run that holds until the test releases it, so that a caller is already waiting when it ends. */
function gatedAgent() {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const agent = defineAgent({
    name: "gated",
    version: "1.0.0",
    description: "Ends when released",
    input: z.object({}),
    output: z.object({ done: z.boolean() }),
    handle: async () => (await gate, { done: true }),
  });
  return { agent, release };
}

/** Waits durably up to an hour for the signal "go". */
const approver = goWaiter("approver");

/** An orchestrator on a manual clock that never sweeps: time moves only when a test moves it. */
function manualSetup(agents: Parameters<typeof createOrchestrator>[0]["agents"], store = createMemoryRunStore(), clock = createManualClock()) {
  return { orchestrator: createOrchestrator({ agents, store, clock, durability: { sweepIntervalMs: 0 } }), store, clock };
}

/** Counts the store's reads of runs from now on. */
function countReads(store: ReturnType<typeof createMemoryRunStore>): { count: number } {
  const reads = { count: 0 };
  const getRun = store.getRun.bind(store);
  store.getRun = (organizationId, runId) => ((reads.count += 1), getRun(organizationId, runId));
  return reads;
}

const pending = Symbol("pending");
const stateOf = async <T>(promise: Promise<T>): Promise<T | typeof pending> => {
  await flush();
  return Promise.race([promise, Promise.resolve(pending)]);
};

describe("orchestrator.waitForRun", () => {
  it("resolves with a queued run's end here as it ends, without the clock moving", async () => {
    const { agent, release } = gatedAgent();
    const { orchestrator } = manualSetup([agent]);
    const queued = await orchestrator.enqueue({ agent: "gated", input: {}, context: caller });
    const waited = orchestrator.waitForRun("org-1", queued.id);
    expect(await stateOf(waited)).toBe(pending);
    release();
    await expect(waited).resolves.toMatchObject({ id: queued.id, status: "COMPLETED", output: { done: true } });
  });

  it("does not look at the store again while the run executes here", async () => {
    const { agent, release } = gatedAgent();
    const { orchestrator, store, clock } = manualSetup([agent]);
    const queued = await orchestrator.enqueue({ agent: "gated", input: {}, context: caller });
    await flush();
    const reads = countReads(store);
    const waited = orchestrator.waitForRun("org-1", queued.id, { timeoutMs: 600_000 });
    for (let second = 0; second < 30; second += 1) await flush().then(() => clock.advance(1_000));
    expect(reads.count).toBe(1);
    release();
    await expect(waited).resolves.toMatchObject({ status: "COMPLETED" });
    expect(reads.count).toBe(2);
  });

  it("resolves at once with a run that has already ended", async () => {
    const { orchestrator } = manualSetup([gatedAgent().agent, approver]);
    const waiting = await orchestrator.orchestrate({ agent: "approver", input: {}, context: caller });
    const cancelled = await orchestrator.cancel("org-1", waiting.id);
    await expect(orchestrator.waitForRun("org-1", waiting.id)).resolves.toMatchObject({ status: "CANCELLED", completedAt: cancelled.completedAt });
  });

  it("waits through a durable wait and resolves once the signal has let the run finish", async () => {
    const { orchestrator } = manualSetup([approver]);
    const waiting = await orchestrator.orchestrate({ agent: "approver", input: {}, context: caller });
    expect(waiting.status).toBe("WAITING");
    const waited = orchestrator.waitForRun("org-1", waiting.id);
    expect(await stateOf(waited)).toBe(pending);
    await orchestrator.signal("org-1", waiting.id, "go", { by: "ana" });
    await expect(waited).resolves.toMatchObject({ status: "COMPLETED", output: {} });
  });

  it("resolves as soon as a cancel here ends a waiting run", async () => {
    const { orchestrator } = manualSetup([approver]);
    const waiting = await orchestrator.orchestrate({ agent: "approver", input: {}, context: caller });
    const waited = orchestrator.waitForRun("org-1", waiting.id);
    expect(await stateOf(waited)).toBe(pending);
    await orchestrator.cancel("org-1", waiting.id);
    await expect(waited).resolves.toMatchObject({ status: "CANCELLED" });
  });

  it("sees a run that another instance executes end at its next look at the store", async () => {
    const { agent, release } = gatedAgent();
    const { orchestrator: worker, store, clock } = manualSetup([agent]);
    const { orchestrator: api } = manualSetup([agent], store, clock);
    const queued = await worker.enqueue({ agent: "gated", input: {}, context: caller });
    const waited = api.waitForRun("org-1", queued.id);
    release();
    await flush();
    expect((await store.getRun("org-1", queued.id))?.status).toBe("COMPLETED");
    // Nothing here saw it end: the waiter learns of it when it looks again, 50 ms after its first look.
    expect(await stateOf(waited)).toBe(pending);
    await clock.advance(49);
    expect(await stateOf(waited)).toBe(pending);
    await clock.advance(1);
    await expect(waited).resolves.toMatchObject({ status: "COMPLETED" });
  });

  it("reads the store again at once when told that a run executing elsewhere may have ended", async () => {
    const { agent, release } = gatedAgent();
    const { orchestrator: worker, store, clock } = manualSetup([agent]);
    const { orchestrator: api } = manualSetup([agent], store, clock);
    const queued = await worker.enqueue({ agent: "gated", input: {}, context: caller });
    const reads = countReads(store);
    const waited = api.waitForRun("org-1", queued.id);
    expect(await stateOf(waited)).toBe(pending);
    // A note that came too early (the run still executes): one more read, and the waiter goes on waiting.
    api.wakeRunWaiters(queued.id);
    expect(await stateOf(waited)).toBe(pending);
    expect(reads.count).toBe(2);
    release();
    await flush();
    api.wakeRunWaiters("another-run");
    expect(await stateOf(waited)).toBe(pending);
    api.wakeRunWaiters(queued.id);
    await expect(waited).resolves.toMatchObject({ status: "COMPLETED" });
    expect(reads.count).toBe(3);
  });

  it("reads the store again at once for every run waited for when told that notes may have been lost", async () => {
    const { orchestrator: worker, store, clock } = manualSetup([approver]);
    const { orchestrator: api } = manualSetup([approver], store, clock);
    const first = await worker.orchestrate({ agent: "approver", input: {}, context: caller });
    const second = await worker.orchestrate({ agent: "approver", input: {}, context: caller });
    const reads = countReads(store);
    const waited = [api.waitForRun("org-1", first.id), api.waitForRun("org-1", second.id)];
    expect(await stateOf(Promise.race(waited))).toBe(pending);
    expect(reads.count).toBe(2);
    await worker.cancel("org-1", first.id);
    await worker.cancel("org-1", second.id);
    // Nothing here saw them end: the clock has not moved, and only the note of a possible loss wakes the waiters.
    expect(await stateOf(Promise.race(waited))).toBe(pending);
    const readsBefore = reads.count;
    api.wakeRunWaiters();
    await expect(Promise.all(waited)).resolves.toMatchObject([{ status: "CANCELLED" }, { status: "CANCELLED" }]);
    expect(reads.count - readsBefore).toBe(2);
  });

  it("backs off its looks at the store to one a second", async () => {
    const { orchestrator: worker, store, clock } = manualSetup([approver]);
    const { orchestrator: api } = manualSetup([approver], store, clock);
    const waiting = await worker.orchestrate({ agent: "approver", input: {}, context: caller });
    const reads = countReads(store);
    const waited = settle(api.waitForRun("org-1", waiting.id, { timeoutMs: 600_000 }));
    // Each look is scheduled once the one before has read the store: time moves in steps that let it.
    const advance = async (ms: number) => {
      for (let moved = 0; moved < ms; moved += 50) await flush().then(() => clock.advance(50));
    };
    // 50, 100, 200, 400, 800 ms apart, then every 1,000 ms: seven looks by 2,550 ms, the first one included.
    await advance(2_550);
    expect(reads.count).toBe(7);
    await advance(10_000);
    expect(reads.count).toBe(17);
    await worker.cancel("org-1", waiting.id);
    await advance(1_000);
    expect(await waited).toMatchObject({ status: "CANCELLED" });
  });

  it("times out with a retryable TIMEOUT naming the status the run still has, and leaves the run as it is", async () => {
    const { orchestrator, store, clock } = manualSetup([approver]);
    const waiting = await orchestrator.orchestrate({ agent: "approver", input: {}, context: caller });
    const waited = settle(orchestrator.waitForRun("org-1", waiting.id, { timeoutMs: 5_000 }));
    await clock.advance(4_999);
    expect(await stateOf(waited)).toBe(pending);
    await clock.advance(1);
    expect(await waited).toMatchObject({ code: "TIMEOUT", isRetryable: true, runId: waiting.id, details: { status: "WAITING" } });
    expect((await store.getRun("org-1", waiting.id))?.status).toBe("WAITING");
  });

  it("stops waiting with the signal's reason when the caller aborts, and keeps no timer behind", async () => {
    const { orchestrator, clock } = manualSetup([approver]);
    const waiting = await orchestrator.orchestrate({ agent: "approver", input: {}, context: caller });
    const controller = new AbortController();
    const waited = settle(orchestrator.waitForRun("org-1", waiting.id, { signal: controller.signal }));
    await flush();
    const reason = new Error("client went away");
    controller.abort(reason);
    expect(await waited).toBe(reason);
    const scheduled: number[] = [];
    const schedule = clock.schedule.bind(clock);
    clock.schedule = (ms, callback) => (scheduled.push(ms), schedule(ms, callback));
    await clock.advance(120_000);
    expect(scheduled).toEqual([]);
  });

  it("refuses a run of another organization with RUN_NOT_FOUND", async () => {
    const { orchestrator } = manualSetup([approver]);
    const waiting = await orchestrator.orchestrate({ agent: "approver", input: {}, context: caller });
    await expect(orchestrator.waitForRun("org-2", waiting.id)).rejects.toMatchObject({ code: "RUN_NOT_FOUND" });
  });

  it.each([
    ["an empty run id", "", {}, "runId"],
    ["a misspelled option", "run-1", { timeout: 5_000 }, "timeout"],
    ["a timeout of zero", "run-1", { timeoutMs: 0 }, "timeoutMs"],
    ["a fractional timeout", "run-1", { timeoutMs: 1.5 }, "timeoutMs"],
    ["a signal that is no AbortSignal", "run-1", { signal: { aborted: false } }, "signal"],
    ["options that are no object", "run-1", "fast", ""],
  ])("refuses %s with VALIDATION_FAILED before reading the store", async (_case, runId, options, path) => {
    const { orchestrator, store } = manualSetup([approver]);
    const reads = countReads(store);
    await expect(orchestrator.waitForRun("org-1", runId, options as never)).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path }] });
    expect(reads.count).toBe(0);
  });
});
