import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { StoreUnavailableError } from "../errors/errors.js";
import { defineAgent, type AgentDefinition } from "../model/agent-definition.js";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import { flush } from "../orchestrator/orchestrator-test-kit.js";
import type { Orchestrator } from "../orchestrator-types.js";
import type { Clock } from "../ports/clock.js";
import type { RunStore } from "../ports/run-store.js";
import { createScheduleManager } from "../schedules/schedule-manager.js";
import { createScheduler } from "../schedules/scheduler.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createMemoryScheduleStore } from "../store/memory-schedule-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createRecordingLogger, type RecordingLogger } from "../testing/recording-logger.js";
import { createClockSkewMonitor } from "./clock-skew-monitor.js";

const START = Date.UTC(2026, 0, 1);
const caller = { organizationId: "org-1", userId: "user-1" };
const CHECK_INTERVAL_MS = 30_000;

const quick = defineAgent({
  name: "quick",
  version: "1.0.0",
  description: "Answers at once",
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  handle: async () => ({ ok: true }),
}) as unknown as AgentDefinition;

const open: Array<{ stop(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const part of open.splice(0)) await part.stop();
});

/**
 * A process whose clock runs 60 s ahead of the database's, watched by a monitor (5 s at most) that measures every
 * 30 s: `database.aheadMs` moves the database's clock, `database.down` makes its reads fail.
 */
function skewedProcess() {
  const clock = createManualClock(START);
  const database = { aheadMs: -60_000, down: false };
  const logger = createRecordingLogger();
  const monitor = createClockSkewMonitor({
    clock,
    maxSkewMs: 5_000,
    intervalMs: CHECK_INTERVAL_MS,
    logger,
    readReferenceTime: async () => {
      if (database.down) throw new StoreUnavailableError("The database did not answer.");
      return new Date(clock.now() + database.aheadMs);
    },
  });
  open.push(monitor);
  return { clock, database, logger, monitor, mayClaimByClock: () => !monitor.isSkewed() };
}

/** Moves the clock on interval by interval, letting each timer's work end before the next. */
async function pass(clock: ManualClock, ms: number, intervals = 1): Promise<void> {
  for (let interval = 0; interval < intervals; interval += 1) {
    await clock.advance(ms);
    await flush();
  }
}

/** A run another executor held and whose lease lapsed a second ago. */
async function lapsedRun(store: RunStore, clock: ManualClock): Promise<string> {
  const id = randomUUID();
  await store.createRun({
    id,
    agentName: "quick",
    agentVersion: "1.0.0",
    ...caller,
    intent: null,
    input: {},
    idempotencyKey: null,
    requestHash: null,
    status: "RUNNING",
    createdAt: new Date(clock.now() - 60_000),
    startedAt: new Date(clock.now() - 60_000),
    traceId: null,
    parentRunId: null,
    lease: { owner: "dead", expiresAt: new Date(clock.now() - 1_000) },
  });
  return id;
}

const linesSaying = (logger: RecordingLogger, text: string) => logger.lines.filter((line) => line.message?.includes(text));

function sweepingOrchestrator(process: ReturnType<typeof skewedProcess>, store: RunStore): Orchestrator {
  const orchestrator = createOrchestrator({
    agents: [quick],
    store,
    clock: process.clock,
    logger: process.logger,
    durability: { executorId: "here", sweepIntervalMs: 1_000, mayClaimByClock: process.mayClaimByClock },
  });
  open.push({ stop: () => orchestrator.drain({ deadlineMs: 0 }) });
  return orchestrator;
}

/** A scheduler and a schedule manager of this process, by `clock` (its own, or the database's as it knows it). */
function schedulesOf(process: ReturnType<typeof skewedProcess>, clock: Clock) {
  const runStore = createMemoryRunStore();
  const scheduleStore = createMemoryScheduleStore();
  const orchestrator = sweepingOrchestrator(process, runStore);
  const scheduler = createScheduler({ orchestrator, store: scheduleStore, clock, logger: process.logger, intervalMs: 0, mayClaimByClock: process.mayClaimByClock });
  open.push(scheduler);
  const manager = createScheduleManager({ store: scheduleStore, agents: [quick], clock });
  return { runStore, scheduler, manager };
}

describe("the clock skew guard", () => {
  it("stops run takeover sweeps while the clock is skewed and resumes them once it is back in step, logging each change once", async () => {
    const process = skewedProcess();
    process.monitor.start();
    await flush();
    expect(process.monitor.isSkewed()).toBe(true);
    const store = createMemoryRunStore();
    const runId = await lapsedRun(store, process.clock);
    const orchestrator = sweepingOrchestrator(process, store);

    await pass(process.clock, 1_000, 10);
    expect(await orchestrator.resumeDueRuns()).toBe(0);
    expect(await store.getRun("org-1", runId)).toMatchObject({ status: "RUNNING", leaseOwner: "dead", fence: 1 });
    expect(linesSaying(process.logger, "run takeover paused")).toHaveLength(1);

    process.database.aheadMs = 0;
    await pass(process.clock, 1_000, 21);
    expect(process.monitor.isSkewed()).toBe(false);
    await pass(process.clock, 1_000, 2);
    expect(await store.getRun("org-1", runId)).toMatchObject({ status: "COMPLETED", fence: 2 });
    expect(linesSaying(process.logger, "run takeover paused")).toHaveLength(1);
    expect(linesSaying(process.logger, "run takeover resumed")).toHaveLength(1);
  });

  it("skips scheduler passes while the clock is skewed and runs the due tick once it is back in step", async () => {
    const process = skewedProcess();
    await process.monitor.measure();
    const { runStore, scheduler, manager } = schedulesOf(process, process.clock);
    await manager.create(caller, { agent: "quick", cron: "*/5 * * * *", timeZone: "UTC", input: {} });
    await process.clock.set(START + 5 * 60_000 + 1_000);

    expect(await scheduler.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 0 });
    expect(await scheduler.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 0 });
    expect((await runStore.listRuns({ organizationId: "org-1", limit: 10 })).runs).toEqual([]);
    expect(linesSaying(process.logger, "scheduled ticks paused")).toHaveLength(1);

    process.database.aheadMs = 1_000;
    await process.monitor.measure();
    const resumed = await scheduler.runDueSchedules();
    expect(resumed).toMatchObject({ claimed: 1, failed: 0 });
    expect(resumed.runIds).toHaveLength(1);
    expect(linesSaying(process.logger, "scheduled ticks resumed")).toHaveLength(1);
  });

  it("keeps sweeps stopped through a failed measurement, and running through one when the clock was trusted", async () => {
    const process = skewedProcess();
    await process.monitor.measure();
    const store = createMemoryRunStore();
    const orchestrator = sweepingOrchestrator(process, store);
    const firstRun = await lapsedRun(store, process.clock);

    process.database.down = true;
    process.database.aheadMs = 0;
    expect(await process.monitor.measure()).toBeNull();
    expect(await orchestrator.resumeDueRuns()).toBe(0);
    expect(await store.getRun("org-1", firstRun)).toMatchObject({ leaseOwner: "dead" });

    process.database.down = false;
    await process.monitor.measure();
    expect(await orchestrator.resumeDueRuns()).toBe(1);
    process.database.down = true;
    expect(await process.monitor.measure()).toBeNull();
    const secondRun = await lapsedRun(store, process.clock);
    expect(await orchestrator.resumeDueRuns()).toBe(1);
    await flush();
    expect(await store.getRun("org-1", secondRun)).toMatchObject({ status: "COMPLETED" });
  });

  it("gives a schedule created or changed on a clock 60 s ahead its next tick by the database's time", async () => {
    const process = skewedProcess();
    await process.monitor.measure();
    const store = createMemoryScheduleStore();
    const manager = createScheduleManager({ store, agents: [quick], clock: process.monitor.referenceClock });
    // 00:00:00 here is 23:59:00 in the database: its next five-minute tick is 00:00, not 00:05.
    const created = await manager.create(caller, { agent: "quick", cron: "*/5 * * * *", timeZone: "UTC", input: {} });
    expect(created).toMatchObject({ nextRunAt: new Date(START), createdAt: new Date(START - 60_000) });
    await manager.update("org-1", created.id, { enabled: false });
    // 00:02:00 here, 00:01:00 in the database: enabled again, its next tick is 00:05, not 00:10.
    await process.clock.set(START + 2 * 60_000);
    expect((await manager.update("org-1", created.id, { enabled: true })).nextRunAt).toEqual(new Date(START + 5 * 60_000));
  });

  it("starts a tick when the database's clock reaches it, not when a clock ahead by less than the maximum does", async () => {
    const process = skewedProcess();
    process.database.aheadMs = -4_000;
    await process.monitor.measure();
    expect(process.monitor.isSkewed()).toBe(false);
    const { runStore, scheduler, manager } = schedulesOf(process, process.monitor.referenceClock);
    // 23:59:56 in the database: the next tick is 00:00.
    const schedule = await manager.create(caller, { agent: "quick", cron: "*/5 * * * *", timeZone: "UTC", input: {} });
    const tick = START;
    expect(schedule.nextRunAt).toEqual(new Date(tick));
    // Due by this clock, 3 s early by the database's.
    await process.clock.set(tick + 1_000);
    expect(await scheduler.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 0 });
    await process.clock.set(tick + 4_000);
    const onTime = await scheduler.runDueSchedules();
    expect(onTime).toMatchObject({ claimed: 1, failed: 0 });
    const runs = (await runStore.listRuns({ organizationId: "org-1", limit: 10 })).runs;
    expect(runs.map((run) => run.idempotencyKey)).toEqual([`schedule:${schedule.id}:${new Date(tick).toISOString()}`]);
  });

  it("starts no tick twice when a new measurement steps the database's time back across it", async () => {
    const process = skewedProcess();
    process.database.aheadMs = 0;
    await process.monitor.measure();
    const { runStore, scheduler, manager } = schedulesOf(process, process.monitor.referenceClock);
    const schedule = await manager.create(caller, { agent: "quick", cron: "*/5 * * * *", timeZone: "UTC", input: {} });
    const tick = START + 5 * 60_000;
    await process.clock.set(tick + 500);
    expect(await scheduler.runDueSchedules()).toMatchObject({ claimed: 1 });
    // The next measurement finds this clock 1 s ahead: the database's time as known here steps back before the tick.
    process.database.aheadMs = -1_000;
    await process.monitor.measure();
    expect(process.monitor.referenceClock.now()).toBeLessThan(tick);
    expect(await scheduler.runDueSchedules()).toMatchObject({ claimed: 0 });
    expect((await manager.update("org-1", schedule.id, { timeZone: "UTC" })).nextRunAt).toEqual(new Date(tick));
    await process.clock.set(tick + 1_500);
    expect(await scheduler.runDueSchedules()).toMatchObject({ claimed: 1 });
    expect((await manager.get("org-1", schedule.id)).nextRunAt).toEqual(new Date(tick + 5 * 60_000));
    expect((await runStore.listRuns({ organizationId: "org-1", limit: 10 })).runs).toHaveLength(1);
  });

  it("changes nothing for an orchestrator or a scheduler given no clock check", async () => {
    const clock = createManualClock(START);
    const store = createMemoryRunStore();
    const orchestrator = createOrchestrator({ agents: [quick], store, clock, durability: { sweepIntervalMs: 0 } });
    open.push({ stop: () => orchestrator.drain({ deadlineMs: 0 }) });
    await lapsedRun(store, clock);
    expect(await orchestrator.resumeDueRuns()).toBe(1);
    expect(() => createOrchestrator({ agents: [quick], durability: { mayClaimByClock: true as never } })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID" }));
    expect(() => createScheduler({ orchestrator, store: createMemoryScheduleStore(), mayClaimByClock: "yes" as never })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID" }));
  });
});
