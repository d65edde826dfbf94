import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent, type AgentDefinition } from "../model/agent-definition.js";
import type { Orchestrator } from "../orchestrator-types.js";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createMemoryScheduleStore } from "../store/memory-schedule-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createScheduleManager } from "./schedule-manager.js";
import { createScheduler } from "./scheduler.js";

const caller = { organizationId: "org-1", userId: "user-1" };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// The manual clock starts on 2026-01-01T00:00:00Z.
const START = Date.UTC(2026, 0, 1);

const report = defineAgent({
  name: "report",
  version: "1.0.0",
  description: "Writes a report",
  input: z.object({ site: z.string() }),
  output: z.object({ ok: z.boolean() }),
  handle: async () => ({ ok: true }),
}) as unknown as AgentDefinition;

const open: Orchestrator[] = [];
afterEach(async () => {
  for (const orchestrator of open.splice(0)) await orchestrator.drain({ deadlineMs: 0 });
});

/**
 * A scheduler host on `clock` and an API host editing schedules on `editorClock` (which may run behind), sharing one
 * run store and one schedule store.
 */
function hosts(editorClock: ManualClock = createManualClock(START)) {
  const clock = createManualClock(START);
  const runStore = createMemoryRunStore();
  const store = createMemoryScheduleStore();
  const orchestrator = createOrchestrator({ agents: [report], store: runStore, clock, durability: { sweepIntervalMs: 0 } });
  open.push(orchestrator);
  const editor = createScheduleManager({ store, agents: [report], clock: editorClock });
  const scheduler = (schedules: ScheduleStore = store, schedulerClock: ManualClock = clock) => createScheduler({ orchestrator, store: schedules, clock: schedulerClock, intervalMs: 0 });
  /** A store on which the scheduler's read of a due schedule is followed by `change`, before its run is started. */
  const changedAfterRead = (change: () => Promise<unknown>): ScheduleStore => {
    let changed = false;
    return {
      ...store,
      getSchedule: async (organizationId, scheduleId) => {
        const read = await store.getSchedule(organizationId, scheduleId);
        if (!changed) {
          changed = true;
          await change();
        }
        return read;
      },
    };
  };
  const ticks = async () => (await runStore.listRuns({ organizationId: caller.organizationId, limit: 100 })).runs.reverse().map((run) => (run.idempotencyKey ?? "").replace(/^schedule:[^:]+:/, ""));
  const create = (cron: string) => editor.create(caller, { agent: "report", cron, timeZone: "UTC", input: { site: "example.com" } });
  return { clock, editorClock, store, editor, scheduler, changedAfterRead, ticks, create };
}

describe("schedules changed while schedulers run", () => {
  it("an expression changed while a tick is being started: that tick's run may still start, and the next tick follows the change", async () => {
    const host = hosts();
    const schedule = await host.create("0 * * * *");
    await host.clock.set(START + HOUR + 1_000);
    const racing = host.changedAfterRead(async () => {
      await host.editorClock.set(START + HOUR + 1_000);
      expect((await host.editor.update("org-1", schedule.id, { cron: "30 * * * *" })).nextRunAt).toEqual(new Date(START + HOUR + 30 * MINUTE));
    });
    expect((await host.scheduler(racing).runDueSchedules()).claimed).toBe(0);
    expect((await host.editor.get("org-1", schedule.id)).nextRunAt).toEqual(new Date(START + HOUR + 30 * MINUTE));
    for (const at of [START + HOUR + 30 * MINUTE, START + 2 * HOUR, START + 2 * HOUR + 30 * MINUTE]) {
      await host.clock.set(at + 1_000);
      await host.scheduler().runDueSchedules();
    }
    expect(await host.ticks()).toEqual(["2026-01-01T01:00:00.000Z", "2026-01-01T01:30:00.000Z", "2026-01-01T02:30:00.000Z"]);
  });

  it("a schedule deleted while a tick is being started: that tick's run may still start, and nothing after it", async () => {
    const host = hosts();
    const schedule = await host.create("0 * * * *");
    await host.clock.set(START + HOUR + 1_000);
    const racing = host.changedAfterRead(() => host.editor.delete("org-1", schedule.id));
    expect((await host.scheduler(racing).runDueSchedules()).claimed).toBe(0);
    await host.clock.set(START + 3 * HOUR + 1_000);
    await host.scheduler().runDueSchedules();
    expect(await host.ticks()).toEqual(["2026-01-01T01:00:00.000Z"]);
  });

  it("an expression changed by a host whose clock is behind, while a tick is being started, still decides the next tick", async () => {
    // The editor's clock is 20 s behind: the changed schedule's first tick is the one being started.
    const host = hosts(createManualClock(START + HOUR - 20_000));
    const schedule = await host.create("0 * * * *");
    await host.clock.set(START + HOUR + 1_000);
    const racing = host.changedAfterRead(async () => {
      expect((await host.editor.update("org-1", schedule.id, { cron: "0 1 * * *" })).nextRunAt).toEqual(new Date(START + HOUR));
    });
    await host.scheduler(racing).runDueSchedules();
    await host.clock.set(START + 2 * HOUR + 1_000);
    await host.scheduler().runDueSchedules();
    expect(await host.ticks()).toEqual(["2026-01-01T01:00:00.000Z"]);
    expect((await host.editor.get("org-1", schedule.id)).nextRunAt).toEqual(new Date("2026-01-02T01:00:00.000Z"));
  });
});

describe("clock skew between hosts", () => {
  it("a host whose clock is behind starts no tick another host has started", async () => {
    const host = hosts();
    const schedule = await host.create("0 6 * * *");
    const behind = createManualClock(START + 6 * HOUR - 5 * MINUTE);
    await host.clock.set(START + 6 * HOUR + 1_000);
    expect((await host.scheduler().runDueSchedules()).runIds).toHaveLength(1);
    // Its own pass finds nothing due before its clock reaches the next tick.
    await behind.set(START + 6 * HOUR + 1_000 - 5 * MINUTE);
    expect((await host.scheduler(host.store, behind).runDueSchedules()).claimed).toBe(0);
    // Changed there, the schedule's next tick goes back to the one already started: the tick's key finds its run.
    await host.editorClock.set(START + 6 * HOUR - 4 * MINUTE);
    const behindEditor = createScheduleManager({ store: host.store, agents: [report], clock: behind });
    expect((await behindEditor.update("org-1", schedule.id, { timeZone: "UTC" })).nextRunAt).toEqual(new Date(START + 6 * HOUR));
    await host.clock.set(START + 6 * HOUR + 2 * MINUTE);
    expect((await host.scheduler().runDueSchedules()).claimed).toBe(1);
    await behind.set(START + 6 * HOUR + 1_000);
    await host.scheduler(host.store, behind).runDueSchedules();
    expect(await host.ticks()).toEqual(["2026-01-01T06:00:00.000Z"]);
    expect((await host.editor.get("org-1", schedule.id)).nextRunAt).toEqual(new Date("2026-01-02T06:00:00.000Z"));
  });
});
