import { describe, expect, it } from "vitest";
import type { Clock } from "../ports/clock.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, scriptedAgent, settle, setup as setupKit, sleeper, SLEEPER_TIMES } from "./orchestrator-test-kit.js";

const { sleepMs: SLEEP_MS, slowStepMs: SLOW_STEP_MS } = SLEEPER_TIMES;

function setup(store: RunStore = createMemoryRunStore()) {
  const clock = createManualClock();
  const orchestrator = createOrchestrator({ agents: [sleeper(clock)], store, clock, durability: { sweepIntervalMs: 0 } });
  return { clock, store, orchestrator };
}

/** Moves past the sleep (the run resumes on this instance) and then past the slow step. */
async function resumeAndRunSlowStep(clock: ManualClock): Promise<void> {
  await clock.advance(SLEEP_MS);
  await flush();
  await clock.advance(SLOW_STEP_MS);
  await flush();
}

describe("a caller's timeoutMs", () => {
  it("bounds the execution after a durable sleep, not only the first one", async () => {
    const { clock, store, orchestrator } = setup();
    const waiting = await orchestrator.orchestrate({ agent: "sleeper", input: {}, context: caller, timeoutMs: 1_000 });
    expect(waiting).toMatchObject({ status: "WAITING", timeoutMs: 1_000 });
    await resumeAndRunSlowStep(clock);
    expect(await store.getRun("org-1", waiting.id)).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout", timeoutMs: 1_000 });
  });

  it("bounds every execution of a queued run", async () => {
    const { clock, store, orchestrator } = setup();
    const queued = await orchestrator.enqueue({ agent: "sleeper", input: {}, context: caller, timeoutMs: 1_000 });
    expect(queued.timeoutMs).toBe(1_000);
    await flush();
    expect(await store.getRun("org-1", queued.id)).toMatchObject({ status: "WAITING" });
    await resumeAndRunSlowStep(clock);
    expect(await store.getRun("org-1", queued.id)).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout" });
  });

  it("bounds the execution of another instance that resumes the run", async () => {
    const store = createMemoryRunStore();
    const first = setup(store);
    const waiting = await first.orchestrator.orchestrate({ agent: "sleeper", input: {}, context: caller, timeoutMs: 1_000 });
    await first.orchestrator.drain({ deadlineMs: 0 });
    const other = setup(store);
    await other.clock.set(waiting.wakeAt!.getTime());
    expect(await other.orchestrator.resumeDueRuns()).toBe(1);
    await flush();
    await other.clock.advance(SLOW_STEP_MS);
    await flush();
    expect(await store.getRun("org-1", waiting.id)).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout" });
  });

  it("leaves a run stored without one to its agent's timeoutMs", async () => {
    const { clock, store, orchestrator } = setup();
    const waiting = await orchestrator.orchestrate({ agent: "sleeper", input: {}, context: caller });
    expect(waiting.timeoutMs).toBeNull();
    await resumeAndRunSlowStep(clock);
    expect(await store.getRun("org-1", waiting.id)).toMatchObject({ status: "COMPLETED", output: { done: true } });
  });
});

describe("a run whose handler never yields to the deadline's timer", () => {
  /** The time the handler's calls take, without a turn of the event loop: the timer set for the deadline never fires. */
  function setupWithoutTimer() {
    let now = Date.parse("2026-03-01T00:00:00Z");
    const clock: Clock = { now: () => now, sleep: async () => undefined, schedule: () => () => undefined };
    const agent = scriptedAgent(async (input, context) => {
      for (let call = 0; call < 3; call += 1) await context.tool("clock.pass", { call }, async () => (now += 400));
      return { text: input.text };
    });
    return { ...setupKit([agent], { clock, durability: { sweepIntervalMs: 0 } }) };
  }

  it("ends TIMED_OUT when it finishes past its deadline", async () => {
    const { orchestrator, store } = setupWithoutTimer();
    const error = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "late" }, context: caller, timeoutMs: 1_000 }));
    expect(error).toMatchObject({ code: "TIMEOUT" });
    const [run] = (await store.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    expect(run).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout", output: null, error: { code: "TIMEOUT" } });
  });

  it("completes when it finishes within its deadline", async () => {
    const { orchestrator } = setupWithoutTimer();
    const run = await orchestrator.orchestrate({ agent: "writer", input: { text: "on time" }, context: caller, timeoutMs: 1_201 });
    expect(run).toMatchObject({ status: "COMPLETED", output: { text: "on time" } });
  });
});
