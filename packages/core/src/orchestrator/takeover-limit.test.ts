import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createRecordingLogger, type RecordingLogger } from "../testing/recording-logger.js";
import { createRecordingMetricsSink, type RecordingMetricsSink } from "../testing/recording-metrics-sink.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle, sleeper, SLEEPER_TIMES } from "./orchestrator-test-kit.js";

const LEASE_MS = 30_000;

/** An agent whose handler never returns, as one that exhausts memory or blocks the event loop never does: each call is counted. */
function poisonAgent(calls: { count: number }) {
  return defineAgent({
    name: "poison",
    version: "1.0.0",
    description: "Brings its process down",
    input: z.object({}),
    output: z.object({}),
    policies: { timeoutMs: 3_600_000 },
    handle: () => {
      calls.count += 1;
      return new Promise<never>(() => undefined);
    },
  });
}

/** A store whose renewals fail: the orchestrator on it stops renewing its leases, as a process that died does. */
const dying = (store: RunStore): RunStore =>
  Object.assign(Object.create(store) as RunStore, {
    renewLeases: async () => {
      throw new Error("the process died");
    },
  });

/** An executor that takes over whatever lapsed at the clock's time, then dies with it. */
async function nextExecutor(
  store: RunStore,
  clock: ManualClock,
  calls: { count: number },
  index: number,
  maxTakeovers?: number,
  observers: { logger?: RecordingLogger; metrics?: RecordingMetricsSink } = {},
): Promise<number> {
  const durability = { executorId: `executor-${index}`, leaseMs: LEASE_MS, sweepIntervalMs: 0, ...(maxTakeovers === undefined ? {} : { maxTakeovers }) };
  const orchestrator = createOrchestrator({ agents: [poisonAgent(calls)], store: dying(store), clock, durability, ...observers });
  const claimed = await orchestrator.resumeDueRuns();
  await flush();
  return claimed;
}

async function poisonRun(store: RunStore, clock: ManualClock, calls: { count: number }) {
  const first = createOrchestrator({ agents: [poisonAgent(calls)], store: dying(store), clock, durability: { executorId: "executor-0", leaseMs: LEASE_MS, sweepIntervalMs: 0 } });
  void settle(first.orchestrate({ agent: "poison", input: {}, context: caller }));
  await flush();
  const [run] = (await store.listRuns({ organizationId: caller.organizationId, limit: 1 })).runs;
  return run!;
}

describe("a run taken over after its executor stopped renewing its lease", () => {
  it("is executed again up to maxTakeovers times (5 by default), then fails with TAKEOVER_LIMIT without being executed", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const calls = { count: 0 };
    const logger = createRecordingLogger();
    const run = await poisonRun(store, clock, calls);
    for (let takeover = 1; takeover <= 5; takeover += 1) {
      await clock.advance(LEASE_MS + 1);
      expect(await nextExecutor(store, clock, calls, takeover, undefined, { logger })).toBe(1);
      expect(await store.getRun(caller.organizationId, run.id)).toMatchObject({ status: "RUNNING", takeovers: takeover });
    }
    expect(calls.count).toBe(6);
    await clock.advance(LEASE_MS + 1);
    expect(await nextExecutor(store, clock, calls, 6, undefined, { logger })).toBe(1);
    expect(calls.count).toBe(6);
    const resumed = logger.lines.filter((line) => line.message === "resuming run from its journal");
    expect(resumed.map((line) => line.fields.takeovers)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(logger.lines.filter((line) => line.level === "warn" && line.message === "run failed: taken over too many times")).toHaveLength(1);
    expect(await store.getRun(caller.organizationId, run.id)).toMatchObject({
      status: "FAILED",
      statusReason: "takeover_limit",
      takeovers: 6,
      error: { code: "TAKEOVER_LIMIT", message: expect.stringContaining("taken over 6 times") },
    });
    // Ended: no executor takes it again.
    await clock.advance(LEASE_MS + 1);
    expect(await nextExecutor(store, clock, calls, 7)).toBe(0);
  });

  it("fails at the first takeover with maxTakeovers 0, and is taken over without end with Infinity", async () => {
    const clock = createManualClock();
    const strict = createMemoryRunStore();
    const calls = { count: 0 };
    const failing = await poisonRun(strict, clock, calls);
    await clock.advance(LEASE_MS + 1);
    await nextExecutor(strict, clock, calls, 1, 0);
    expect(await strict.getRun(caller.organizationId, failing.id)).toMatchObject({ status: "FAILED", statusReason: "takeover_limit", takeovers: 1 });
    expect(calls.count).toBe(1);

    const lenient = createMemoryRunStore();
    const run = await poisonRun(lenient, clock, calls);
    for (let takeover = 1; takeover <= 12; takeover += 1) {
      await clock.advance(LEASE_MS + 1);
      await nextExecutor(lenient, clock, calls, takeover, Number.POSITIVE_INFINITY);
    }
    expect(await lenient.getRun(caller.organizationId, run.id)).toMatchObject({ status: "RUNNING", takeovers: 12 });
  });

  it("is counted in the metrics once per takeover, as resumed up to maxTakeovers and as failed past it", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const calls = { count: 0 };
    const metrics = createRecordingMetricsSink();
    await poisonRun(store, clock, calls);
    for (let takeover = 1; takeover <= 3; takeover += 1) {
      await clock.advance(LEASE_MS + 1);
      expect(await nextExecutor(store, clock, calls, takeover, 2, { metrics })).toBe(1);
    }
    expect(calls.count).toBe(3);
    expect(metrics.ofType("runTakenOver")).toEqual([
      { agent: "poison", outcome: "resumed" },
      { agent: "poison", outcome: "resumed" },
      { agent: "poison", outcome: "failed" },
    ]);
    // Failed: nothing left to take over, nothing more counted.
    await clock.advance(LEASE_MS + 1);
    expect(await nextExecutor(store, clock, calls, 4, 2, { metrics })).toBe(0);
    expect(metrics.ofType("runTakenOver")).toHaveLength(3);
  });

  it("counts no takeover for a waiting run woken by a sweep or a queued run started by its queue", async () => {
    const clock = createManualClock();
    const metrics = createRecordingMetricsSink();
    const durability = { executorId: "executor-1", leaseMs: LEASE_MS, sweepIntervalMs: 0 };
    const orchestrator = createOrchestrator({ agents: [sleeper(clock)], clock, metrics, durability });
    const waiting = await orchestrator.orchestrate({ agent: "sleeper", input: {}, context: caller });
    expect(waiting.status).toBe("WAITING");
    const queued = await orchestrator.enqueue({ agent: "sleeper", input: {}, context: caller });
    await flush();
    expect((await orchestrator.getRun(caller.organizationId, queued.id))?.status).toBe("WAITING");
    // Both are due at once: the local wake-up timer's sweep claims them.
    await clock.advance(SLEEPER_TIMES.sleepMs);
    await flush();
    await clock.advance(SLEEPER_TIMES.slowStepMs);
    await flush();
    for (const run of [waiting, queued]) expect(await orchestrator.getRun(caller.organizationId, run.id)).toMatchObject({ status: "COMPLETED", takeovers: 0 });
    expect(metrics.ofType("runTakenOver")).toEqual([]);
  });

  it("refuses a maxTakeovers that is not a non-negative integer or Infinity", () => {
    for (const maxTakeovers of [-1, 1.5, Number.NaN]) {
      expect(() => createOrchestrator({ agents: [], durability: { maxTakeovers } })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("maxTakeovers") }));
    }
  });
});
