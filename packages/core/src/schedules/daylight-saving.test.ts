import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent, type AgentDefinition } from "../model/agent-definition.js";
import type { Orchestrator } from "../orchestrator-types.js";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createMemoryScheduleStore } from "../store/memory-schedule-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createScheduleManager } from "./schedule-manager.js";
import { createScheduler } from "./scheduler.js";

const caller = { organizationId: "org-1", userId: "user-1" };
const MINUTE = 60_000;

const report = defineAgent({
  name: "report",
  version: "1.0.0",
  description: "Writes a report",
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  handle: async () => ({ ok: true }),
}) as unknown as AgentDefinition;

const open: Orchestrator[] = [];
afterEach(async () => {
  for (const orchestrator of open.splice(0)) await orchestrator.drain({ deadlineMs: 0 });
});

/** Drives a scheduler passing every minute from `from` to `to` and returns the ticks it started runs for. */
async function ticksFired(cron: string, timeZone: string, from: string, to: string): Promise<string[]> {
  const clock = createManualClock(Date.parse(from));
  const runStore = createMemoryRunStore();
  const store = createMemoryScheduleStore();
  const orchestrator = createOrchestrator({ agents: [report], store: runStore, clock, durability: { sweepIntervalMs: 0 } });
  open.push(orchestrator);
  const schedule = await createScheduleManager({ store, agents: [report], clock }).create(caller, { agent: "report", cron, timeZone, input: {} });
  const scheduler = createScheduler({ orchestrator, store, clock, intervalMs: 0 });
  for (let now = Date.parse(from) + MINUTE; now <= Date.parse(to); now += MINUTE) {
    await clock.set(now + 1_000);
    await scheduler.runDueSchedules();
  }
  await scheduler.stop();
  const runs = (await runStore.listRuns({ organizationId: caller.organizationId, limit: 100 })).runs.reverse();
  return runs.map((run) => (run.idempotencyKey ?? "").slice(`schedule:${schedule.id}:`.length));
}

describe("scheduler across daylight saving time changes", () => {
  describe("America/New_York (springs forward 2026-03-08 02:00 EST, falls back 2026-11-01 02:00 EDT)", () => {
    it("spring forward: 30 2 * * * runs once at 03:00 EDT, the first time after the jump, and neither twice nor never", async () => {
      expect(await ticksFired("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z")).toEqual(["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"]);
    });

    it("fall back: 30 1 * * * runs once, at the first 01:30 (EDT); 30 2 * * * once, at 02:30 EST", async () => {
      expect(await ticksFired("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z")).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
      expect(await ticksFired("30 2 * * *", "America/New_York", "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z")).toEqual(["2026-11-01T07:30:00.000Z", "2026-11-02T07:30:00.000Z"]);
    });

    it("a list of fixed times is read like one fixed time: 0,30 2 runs once after the jump, 0,30 1 once per time when the hour repeats", async () => {
      expect(await ticksFired("0,30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", "2026-03-08T12:00:00Z")).toEqual(["2026-03-08T07:00:00.000Z"]);
      expect(await ticksFired("0,30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", "2026-11-01T12:00:00Z")).toEqual(["2026-11-01T05:00:00.000Z", "2026-11-01T05:30:00.000Z"]);
    });

    it("a step keeps its ticks evenly spaced in real time: none in the skipped hour, each of the repeated hour's twice, under keys of their own", async () => {
      expect(await ticksFired("*/30 * * * *", "America/New_York", "2026-03-08T06:00:00Z", "2026-03-08T08:00:00Z")).toEqual([
        "2026-03-08T06:30:00.000Z",
        "2026-03-08T07:00:00.000Z",
        "2026-03-08T07:30:00.000Z",
        "2026-03-08T08:00:00.000Z",
      ]);
      expect(await ticksFired("*/30 * * * *", "America/New_York", "2026-11-01T04:50:00Z", "2026-11-01T07:00:00Z")).toEqual([
        "2026-11-01T05:00:00.000Z",
        "2026-11-01T05:30:00.000Z",
        "2026-11-01T06:00:00.000Z",
        "2026-11-01T06:30:00.000Z",
        "2026-11-01T07:00:00.000Z",
      ]);
    });
  });

  describe("Europe/London (springs forward 2026-03-29 01:00 GMT, falls back 2026-10-25 02:00 BST)", () => {
    it("spring forward: 30 1 * * * runs once at 02:00 BST; 30 2 * * * at 02:30 BST", async () => {
      expect(await ticksFired("30 1 * * *", "Europe/London", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z")).toEqual(["2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"]);
      expect(await ticksFired("30 2 * * *", "Europe/London", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z")).toEqual(["2026-03-29T01:30:00.000Z", "2026-03-30T01:30:00.000Z"]);
    });

    it("fall back: 30 1 * * * runs once, at the first 01:30 (BST)", async () => {
      expect(await ticksFired("30 1 * * *", "Europe/London", "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z")).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
    });
  });
});
