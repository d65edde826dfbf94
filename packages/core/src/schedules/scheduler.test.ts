import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent, type AgentDefinition } from "../model/agent-definition.js";
import type { Orchestrator } from "../orchestrator-types.js";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import { createInProcessRunQueue } from "../policies/in-process-run-queue.js";
import type { RunQueue } from "../ports/run-queue.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import { StoreUnavailableError } from "../errors/errors.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createMemoryScheduleStore } from "../store/memory-schedule-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createRecordingLogger } from "../testing/recording-logger.js";
import { createRecordingMetricsSink } from "../testing/recording-metrics-sink.js";
import { createScheduleManager, type CreateScheduleRequest } from "./schedule-manager.js";
import { createScheduler, scheduleTickKey, type Scheduler } from "./scheduler.js";

const caller = { organizationId: "org-1", userId: "user-1" };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// The manual clock starts on 2026-01-01T00:00:00Z.
const START = Date.UTC(2026, 0, 1);

const report = defineAgent({
  name: "report",
  version: "1.0.0",
  description: "Writes a report",
  input: z.object({ site: z.string().min(1) }),
  output: z.object({ ok: z.boolean() }),
  handle: async () => ({ ok: true }),
}) as unknown as AgentDefinition;

const open: Array<{ drain: Orchestrator["drain"] }> = [];
const schedulers: Scheduler[] = [];
afterEach(async () => {
  for (const scheduler of schedulers.splice(0)) await scheduler.stop();
  for (const orchestrator of open.splice(0)) await orchestrator.drain({ deadlineMs: 0 });
});

/** Two hosts: two orchestrators on one run store, two schedulers on one schedule store, one clock. */
function twoHosts(clock: ManualClock = createManualClock(START)) {
  const runStore = createMemoryRunStore();
  const scheduleStore = createMemoryScheduleStore();
  const orchestrators = [0, 1].map(() => createOrchestrator({ agents: [report], store: runStore, clock, durability: { sweepIntervalMs: 0 } }));
  open.push(...orchestrators);
  const logger = createRecordingLogger();
  const metrics = createRecordingMetricsSink();
  const scheduler = (index: 0 | 1, store: ScheduleStore = scheduleStore) => {
    const created = createScheduler({ orchestrator: orchestrators[index] as Orchestrator, store, clock, logger, metrics, intervalMs: 0 });
    schedulers.push(created);
    return created;
  };
  const manager = createScheduleManager({ store: scheduleStore, agents: [report], clock });
  const create = (request: Partial<CreateScheduleRequest> = {}) => manager.create(caller, { agent: "report", cron: "0 6 * * *", timeZone: "UTC", input: { site: "example.com" }, ...request });
  const runs = async () => (await runStore.listRuns({ organizationId: caller.organizationId, limit: 100 })).runs.reverse();
  const passes = () => metrics.ofType("backgroundPassFinished");
  return { clock, runStore, scheduleStore, manager, create, scheduler, runs, logger, passes };
}

describe("scheduler", () => {
  it("starts exactly one run for a tick that two schedulers find at once", async () => {
    const hosts = twoHosts();
    const schedule = await hosts.create({ cron: "*/5 * * * *" });
    expect(schedule.nextRunAt).toEqual(new Date(START + 5 * 60_000));
    await hosts.clock.set(START + 5 * 60_000 + 1_000);
    const [first, second] = await Promise.all([hosts.scheduler(0).runDueSchedules(), hosts.scheduler(1).runDueSchedules()]);
    expect(first.claimed + second.claimed).toBe(1);
    const runs = await hosts.runs();
    expect(runs).toHaveLength(1);
    // Both passes succeed; the run is counted once, by the scheduler that claimed its tick.
    expect(hosts.passes().map(({ task, outcome }) => `${task} ${outcome}`)).toEqual(["schedules succeeded", "schedules succeeded"]);
    expect(hosts.passes().reduce((sum, pass) => sum + pass.items, 0)).toBe(1);
    expect(runs[0]).toMatchObject({ agentName: "report", userId: "user-1", input: { site: "example.com" }, idempotencyKey: scheduleTickKey(schedule.id, new Date(START + 5 * 60_000)) });
    expect((await hosts.manager.get("org-1", schedule.id)).nextRunAt).toEqual(new Date(START + 10 * 60_000));
    expect((await hosts.manager.get("org-1", schedule.id)).lastTickAt).toEqual(new Date(START + 5 * 60_000));
  });

  it("starts no second run even when a store hands the same tick out twice", async () => {
    const hosts = twoHosts();
    const schedule = await hosts.create();
    // A store that forgets its claims: only the run's idempotency key is left to stop a second run.
    const forgetful: ScheduleStore = { ...hosts.scheduleStore, claimTick: async (input) => hosts.scheduleStore.getSchedule(input.organizationId, input.scheduleId) };
    await hosts.clock.set(START + 6 * HOUR);
    const results = await Promise.all([hosts.scheduler(0, forgetful).runDueSchedules(), hosts.scheduler(1, forgetful).runDueSchedules()]);
    expect(results.map((result) => result.claimed)).toEqual([1, 1]);
    expect(results[0]?.runIds).toEqual(results[1]?.runIds);
    expect(await hosts.runs()).toHaveLength(1);
    expect((await hosts.runs())[0]?.idempotencyKey).toBe(scheduleTickKey(schedule.id, new Date(START + 6 * HOUR)));
  });

  it("runs each tick once, one after another, as time passes", async () => {
    const hosts = twoHosts();
    await hosts.create({ cron: "0 * * * *" });
    const scheduler = hosts.scheduler(0);
    for (let hour = 1; hour <= 3; hour += 1) {
      await hosts.clock.set(START + hour * HOUR + 2_000);
      expect((await scheduler.runDueSchedules()).runIds).toHaveLength(1);
      expect((await scheduler.runDueSchedules()).runIds).toHaveLength(0);
    }
    expect((await hosts.runs()).map((run) => run.idempotencyKey?.split(":").slice(2).join(":"))).toEqual([
      "2026-01-01T01:00:00.000Z",
      "2026-01-01T02:00:00.000Z",
      "2026-01-01T03:00:00.000Z",
    ]);
  });

  describe("after downtime (three daily ticks missed)", () => {
    const afterDowntime = async (catchUp: CreateScheduleRequest["catchUp"]) => {
      const hosts = twoHosts();
      const schedule = await hosts.create({ ...(catchUp ? { catchUp } : {}) });
      await hosts.clock.set(START + 2 * DAY + 8 * HOUR);
      const result = await hosts.scheduler(0).runDueSchedules();
      const ticks = (await hosts.runs()).map((run) => run.idempotencyKey?.slice(`schedule:${schedule.id}:`.length));
      return { hosts, schedule, result, ticks, after: await hosts.manager.get("org-1", schedule.id) };
    };

    it("latest (the default): runs the most recent missed tick once, then continues with the next future tick", async () => {
      const { ticks, after } = await afterDowntime(undefined);
      expect(after.catchUp).toBe("latest");
      expect(ticks).toEqual(["2026-01-03T06:00:00.000Z"]);
      expect(after.nextRunAt).toEqual(new Date("2026-01-04T06:00:00.000Z"));
      expect(after.lastTickAt).toEqual(new Date("2026-01-03T06:00:00.000Z"));
    });

    it("none: runs none of the missed ticks", async () => {
      const { ticks, after, result } = await afterDowntime("none");
      expect(ticks).toEqual([]);
      expect(result).toEqual({ claimed: 1, runIds: [], failed: 0 });
      expect(after.nextRunAt).toEqual(new Date("2026-01-04T06:00:00.000Z"));
      expect(after.lastTickAt).toBeNull();
    });

    it("all: runs every missed tick, oldest first", async () => {
      const { ticks, after } = await afterDowntime("all");
      expect(ticks).toEqual(["2026-01-01T06:00:00.000Z", "2026-01-02T06:00:00.000Z", "2026-01-03T06:00:00.000Z"]);
      expect(after.nextRunAt).toEqual(new Date("2026-01-04T06:00:00.000Z"));
    });
  });

  it("none: still runs a tick found on time", async () => {
    const hosts = twoHosts();
    await hosts.create({ catchUp: "none" });
    await hosts.clock.set(START + 6 * HOUR + 30_000);
    expect((await hosts.scheduler(0).runDueSchedules()).runIds).toHaveLength(1);
  });

  it("runs every tick found within the tolerance, whatever the policy: only older ones count as missed", async () => {
    for (const catchUp of ["latest", "none", "all"] as const) {
      const hosts = twoHosts();
      const schedule = await hosts.create({ cron: "* * * * *", catchUp });
      // Passing every 60 s, the tolerance is 120 s: a pass that comes a little late finds two ticks, both on time.
      const scheduler = createScheduler({ orchestrator: open.at(-2) as unknown as Orchestrator, store: hosts.scheduleStore, clock: hosts.clock, intervalMs: 60_000 });
      schedulers.push(scheduler);
      await hosts.clock.set(START + 2 * 60_000 + 500);
      expect((await scheduler.runDueSchedules()).runIds).toHaveLength(2);
      expect((await hosts.runs()).map((run) => run.idempotencyKey)).toEqual([1, 2].map((minute) => scheduleTickKey(schedule.id, new Date(START + minute * 60_000))));
    }
  });

  it("starts nothing for a disabled schedule, and does not catch up when it is enabled again", async () => {
    const hosts = twoHosts();
    const schedule = await hosts.create({ enabled: false });
    const scheduler = hosts.scheduler(0);
    await hosts.clock.set(START + DAY + 7 * HOUR);
    expect(await scheduler.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 0 });
    const enabled = await hosts.manager.update("org-1", schedule.id, { enabled: true });
    expect(enabled.nextRunAt).toEqual(new Date("2026-01-03T06:00:00.000Z"));
    expect((await scheduler.runDueSchedules()).claimed).toBe(0);
    expect(await hosts.runs()).toEqual([]);
  });

  it("starts nothing for a schedule deleted after it was listed", async () => {
    const hosts = twoHosts();
    const schedule = await hosts.create();
    const deleting: ScheduleStore = {
      ...hosts.scheduleStore,
      listDueSchedules: async (input) => {
        const due = await hosts.scheduleStore.listDueSchedules(input);
        await hosts.manager.delete("org-1", schedule.id);
        return due;
      },
    };
    await hosts.clock.set(START + 6 * HOUR);
    expect(await hosts.scheduler(0, deleting).runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 0 });
    expect(await hosts.runs()).toEqual([]);
  });

  it("passes on its own every intervalMs once started, and stops", async () => {
    const hosts = twoHosts();
    await hosts.create({ cron: "* * * * *" });
    const scheduler = createScheduler({ orchestrator: { enqueue: (request) => (open[0] as unknown as Orchestrator).enqueue(request) }, store: hosts.scheduleStore, clock: hosts.clock, intervalMs: 30_000 });
    schedulers.push(scheduler);
    scheduler.start();
    scheduler.start();
    await hosts.clock.advance(60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await hosts.runs()).toHaveLength(1);
    await hosts.clock.advance(60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await hosts.runs()).toHaveLength(2);
    await scheduler.stop();
    await hosts.clock.advance(10 * 60_000);
    expect(await hosts.runs()).toHaveLength(2);
    expect(await scheduler.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 0 });
  });

  it("loses no tick when its scheduler dies after starting the runs and before claiming them", async () => {
    const hosts = twoHosts();
    const schedule = await hosts.create({ cron: "* * * * *", catchUp: "all" });
    await hosts.clock.set(START + 4 * 60_000 + 500);
    // The first host dies at its claim: its runs are started, the schedule is not moved on.
    const dying = hosts.scheduler(0, { ...hosts.scheduleStore, claimTick: () => Promise.reject(new Error("process killed")) });
    expect(await dying.runDueSchedules()).toMatchObject({ claimed: 0, failed: 1 });
    const startedBefore = (await hosts.runs()).map((run) => run.id);
    expect(startedBefore).toHaveLength(4);
    const taken = await hosts.scheduler(1).runDueSchedules();
    expect(taken).toEqual({ claimed: 1, runIds: startedBefore, failed: 0 });
    expect((await hosts.runs()).map((run) => run.idempotencyKey)).toEqual([1, 2, 3, 4].map((minute) => scheduleTickKey(schedule.id, new Date(START + minute * 60_000))));
    expect((await hosts.manager.get("org-1", schedule.id)).nextRunAt).toEqual(new Date(START + 5 * 60_000));
  });

  it("keeps a tick due while its run is refused for a passing reason, and starts it on a later pass", async () => {
    const hosts = twoHosts();
    const schedule = await hosts.create();
    await hosts.clock.set(START + 6 * HOUR + 1_000);
    const orchestrator = open[0] as unknown as Orchestrator;
    let queueDown = true;
    const flaky = createScheduler({
      orchestrator: { enqueue: (request) => (queueDown ? Promise.reject(new StoreUnavailableError("The run queue (Redis) cannot be reached.")) : orchestrator.enqueue(request)) },
      store: hosts.scheduleStore,
      clock: hosts.clock,
      logger: hosts.logger,
      intervalMs: 0,
    });
    schedulers.push(flaky);
    expect(await flaky.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 1 });
    expect(hosts.logger.lines.some((line) => line.message === "scheduled run could not be started" && line.fields.retriedNextPass === true)).toBe(true);
    expect((await hosts.manager.get("org-1", schedule.id)).nextRunAt).toEqual(new Date(START + 6 * HOUR));
    queueDown = false;
    expect(await flaky.runDueSchedules()).toMatchObject({ claimed: 1, failed: 0 });
    expect((await hosts.runs()).map((run) => run.idempotencyKey)).toEqual([scheduleTickKey(schedule.id, new Date(START + 6 * HOUR))]);
  });

  it("starts a tick whose run the queue refused on a later pass, under a new key, instead of taking the refused run for it", async () => {
    const hosts = twoHosts();
    const schedule = await hosts.create();
    // The queue is away: the run is stored, then refused by the queue (it ends CANCELLED, queue_rejected).
    const inProcess = createInProcessRunQueue();
    let queueDown = true;
    const queue: RunQueue = { ...inProcess, add: (job, execute) => (queueDown ? Promise.reject(new StoreUnavailableError("The run queue (Redis) cannot be reached.")) : inProcess.add(job, execute)) };
    const orchestrator = createOrchestrator({ agents: [report], store: hosts.runStore, clock: hosts.clock, queue, durability: { sweepIntervalMs: 0 } });
    open.push(orchestrator);
    const scheduler = createScheduler({ orchestrator, store: hosts.scheduleStore, clock: hosts.clock, intervalMs: 0 });
    schedulers.push(scheduler);
    await hosts.clock.set(START + 6 * HOUR + 1_000);
    expect(await scheduler.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 1 });
    queueDown = false;
    // The next attempt waits until the refused one is 5 s old.
    await hosts.clock.advance(4_000);
    expect(await scheduler.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 0 });
    await hosts.clock.advance(1_000);
    const retried = await scheduler.runDueSchedules();
    expect(retried).toMatchObject({ claimed: 1, failed: 0 });
    const tick = new Date(START + 6 * HOUR);
    const runs = await hosts.runs();
    expect(runs.map((run) => [run.idempotencyKey, run.statusReason === "queue_rejected"])).toEqual([
      [scheduleTickKey(schedule.id, tick), true],
      [scheduleTickKey(schedule.id, tick, 2), false],
    ]);
    expect(retried.runIds).toEqual([runs[1]?.id]);
    expect((await hosts.manager.get("org-1", schedule.id)).nextRunAt).toEqual(new Date(START + DAY + 6 * HOUR));
  });

  it("counts and logs a tick whose run the orchestrator refuses, and goes on with the next schedule", async () => {
    const hosts = twoHosts();
    const refused = await hosts.create({ cron: "0 5 * * *" });
    await hosts.create();
    await hosts.scheduleStore.updateSchedule("org-1", refused.id, { input: { site: "" }, updatedAt: new Date(START) });
    await hosts.clock.set(START + 7 * HOUR);
    const result = await hosts.scheduler(0).runDueSchedules();
    expect(result).toMatchObject({ claimed: 2, failed: 1 });
    expect(result.runIds).toHaveLength(1);
    expect(hosts.passes()).toEqual([{ task: "schedules", outcome: "failed", items: 1 }]);
    expect(hosts.logger.lines.some((line) => line.message === "scheduled run could not be started" && line.fields.code === "VALIDATION_FAILED")).toBe(true);
  });

  it("parks a stored schedule whose expression is no longer valid instead of failing every pass", async () => {
    const hosts = twoHosts();
    const schedule = await hosts.create();
    await hosts.scheduleStore.updateSchedule("org-1", schedule.id, { cron: "not cron", updatedAt: new Date(START) });
    await hosts.clock.set(START + 7 * HOUR);
    expect(await hosts.scheduler(0).runDueSchedules()).toEqual({ claimed: 1, runIds: [], failed: 0 });
    expect((await hosts.scheduleStore.getSchedule("org-1", schedule.id))?.nextRunAt.getUTCFullYear()).toBe(9999);
  });

  it("survives a store that cannot list or claim", async () => {
    const hosts = twoHosts();
    await hosts.create();
    await hosts.clock.set(START + 7 * HOUR);
    const down = new Error("connection refused");
    const listing = hosts.scheduler(0, { ...hosts.scheduleStore, listDueSchedules: () => Promise.reject(down) });
    expect(await listing.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 0 });
    const claiming = hosts.scheduler(1, { ...hosts.scheduleStore, claimTick: () => Promise.reject(down) });
    expect(await claiming.runDueSchedules()).toEqual({ claimed: 0, runIds: [], failed: 1 });
    expect(hosts.passes()).toEqual([
      { task: "schedules", outcome: "failed", items: 0 },
      { task: "schedules", outcome: "failed", items: 0 },
    ]);
  });

  it("refuses invalid options", () => {
    const store = createMemoryScheduleStore();
    const orchestrator = { enqueue: async () => ({}) as never };
    expect(() => createScheduler({ orchestrator, store, intervalMs: -1 })).toThrow(/intervalMs/);
    expect(() => createScheduler({ orchestrator, store, lateToleranceMs: 1.5 })).toThrow(/lateToleranceMs/);
    expect(() => createScheduler({ orchestrator, store, intervalMs: 5_000, lateToleranceMs: 5_000 })).toThrow("lateToleranceMs (5000) must be longer than intervalMs (5000)");
    expect(() => createScheduler({ orchestrator, store, intervalMs: 0, lateToleranceMs: 0 })).not.toThrow();
    expect(() => createScheduler({ orchestrator, store, intervalMs: 5_000, lateToleranceMs: 5_001 })).not.toThrow();
    expect(() => createScheduler({ orchestrator: {} as never, store })).toThrow(/orchestrator/);
  });
});
