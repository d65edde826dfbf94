import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { defineAgent, type AgentDefinition } from "../model/agent-definition.js";
import { createMemoryScheduleStore } from "../store/memory-schedule-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createScheduleManager } from "./schedule-manager.js";

const agent = defineAgent({
  name: "report",
  version: "1.0.0",
  description: "Writes a report",
  input: z.object({ site: z.string().min(1), days: z.number().int().default(7) }),
  output: z.object({ ok: z.boolean() }),
  handle: async () => ({ ok: true }),
}) as unknown as AgentDefinition;
const caller = { organizationId: "org-1", userId: "user-1" };
const START = Date.UTC(2026, 0, 1);

const setup = () => {
  const clock = createManualClock(START);
  const store = createMemoryScheduleStore();
  return { clock, store, manager: createScheduleManager({ store, agents: [agent], clock }) };
};
const codeOf = (promise: Promise<unknown>) => promise.then(() => "resolved", (error: unknown) => (isNeonhubError(error) ? error.code : String(error)));

describe("schedule manager", () => {
  it("creates a schedule with defaults, the caller as its creator and its first tick", async () => {
    const { manager } = setup();
    const schedule = await manager.create(caller, { agent: "report", cron: " 0 6 * * 1 ", input: { site: "example.com" } });
    expect(schedule).toMatchObject({
      organizationId: "org-1",
      agentName: "report",
      cron: "0 6 * * 1",
      timeZone: "UTC",
      input: { site: "example.com" },
      enabled: true,
      catchUp: "latest",
      nextRunAt: new Date("2026-01-05T06:00:00Z"),
      lastTickAt: null,
      createdBy: "user-1",
      createdAt: new Date(START),
    });
    expect(await manager.get("org-1", schedule.id)).toEqual(schedule);
    expect((await manager.list({ organizationId: "org-1", limit: 10 })).schedules).toEqual([schedule]);
  });

  it("refuses bad schedules before storing anything", async () => {
    const { manager, store } = setup();
    const base = { agent: "report", cron: "0 6 * * *", input: { site: "example.com" } };
    expect(await codeOf(manager.create(caller, { ...base, cron: "* * * * * *" }))).toBe("INVALID_SCHEDULE");
    expect(await codeOf(manager.create(caller, { ...base, timeZone: "Nowhere/City" }))).toBe("INVALID_SCHEDULE");
    expect(await codeOf(manager.create(caller, { ...base, catchUp: "some" as never }))).toBe("INVALID_SCHEDULE");
    expect(await codeOf(manager.create(caller, { ...base, agent: "ghost" }))).toBe("AGENT_NOT_FOUND");
    expect(await codeOf(manager.create({ organizationId: "", userId: "user-1" }, base))).toBe("UNAUTHORIZED");
    expect(await codeOf(manager.create({ organizationId: "org-\u0000", userId: "user-1" }, base))).toBe("VALIDATION_FAILED");
    expect(await codeOf(manager.create(caller, { ...base, input: { site: "bad\u0000" } }))).toBe("VALIDATION_FAILED");
    const invalid = await manager.create(caller, { ...base, input: { site: "" } }).catch((error: unknown) => error);
    expect(isNeonhubError(invalid, "VALIDATION_FAILED") && invalid.details?.fieldErrors).toEqual([expect.objectContaining({ path: "input.site" })]);
    expect((await store.listSchedules({ organizationId: "org-1", limit: 10 })).schedules).toEqual([]);
  });

  it("refuses input that a scheduled run would receive redacted, when created or changed", async () => {
    const { manager, store } = setup();
    const base = { agent: "report", cron: "0 6 * * *", input: { days: 1, site: "example.com" } };
    const secret = await manager.create(caller, { ...base, input: { ...base.input, apiKey: "sk-live-1" } }).catch((error: unknown) => error);
    expect(isNeonhubError(secret, "VALIDATION_FAILED") && secret.details?.fieldErrors).toEqual([expect.objectContaining({ path: "input.apiKey" })]);
    expect((await store.listSchedules({ organizationId: "org-1", limit: 10 })).schedules).toEqual([]);
    const schedule = await manager.create(caller, base);
    expect(await codeOf(manager.update("org-1", schedule.id, { input: { ...base.input, password: "hunter2" } }))).toBe("VALIDATION_FAILED");
    expect((await manager.get("org-1", schedule.id)).input).toEqual(base.input);

    const withKeys = createScheduleManager({ store: createMemoryScheduleStore(), agents: [agent], clock: createManualClock(START), redactKeys: ["site"] });
    const custom = await withKeys.create(caller, base).catch((error: unknown) => error);
    expect(isNeonhubError(custom, "VALIDATION_FAILED") && custom.details?.fieldErrors).toEqual([expect.objectContaining({ path: "input.site" })]);
  });

  it("moves the next tick when the expression, time zone or enabled state changes, and only then", async () => {
    const { manager, clock } = setup();
    const schedule = await manager.create(caller, { agent: "report", cron: "0 6 * * *", input: { site: "example.com" } });
    await clock.set(START + 3_600_000);
    const retimed = await manager.update("org-1", schedule.id, { cron: "0 9 * * *", timeZone: "Europe/Berlin" });
    expect(retimed).toMatchObject({ cron: "0 9 * * *", timeZone: "Europe/Berlin", nextRunAt: new Date("2026-01-01T08:00:00Z"), updatedAt: new Date(START + 3_600_000) });
    const disabled = await manager.update("org-1", schedule.id, { enabled: false, input: { site: "other.com" }, catchUp: "all" });
    expect(disabled).toMatchObject({ enabled: false, input: { site: "other.com" }, catchUp: "all", nextRunAt: retimed.nextRunAt });
    await clock.set(START + 2 * 86_400_000);
    expect((await manager.update("org-1", schedule.id, { enabled: true })).nextRunAt).toEqual(new Date("2026-01-03T08:00:00Z"));
    expect(await codeOf(manager.update("org-1", schedule.id, { input: { site: "" } }))).toBe("VALIDATION_FAILED");
    expect(await codeOf(manager.update("org-1", schedule.id, { cron: "0 0 31 2 *" }))).toBe("INVALID_SCHEDULE");
    expect(await codeOf(manager.update("org-2", schedule.id, { enabled: false }))).toBe("SCHEDULE_NOT_FOUND");
  });

  it("deletes a schedule of the organization only", async () => {
    const { manager } = setup();
    const schedule = await manager.create(caller, { agent: "report", cron: "0 6 * * *", input: { site: "example.com" } });
    expect(await codeOf(manager.delete("org-2", schedule.id))).toBe("SCHEDULE_NOT_FOUND");
    await manager.delete("org-1", schedule.id);
    expect(await codeOf(manager.get("org-1", schedule.id))).toBe("SCHEDULE_NOT_FOUND");
    expect(await codeOf(manager.delete("org-1", schedule.id))).toBe("SCHEDULE_NOT_FOUND");
  });
});
