import { describe, expect, it } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { runScheduleStoreConformanceSuite, sampleSchedule } from "../testing/index.js";
import { createMemoryScheduleStore } from "./memory-schedule-store.js";

runScheduleStoreConformanceSuite({ name: "memory", createStore: async () => createMemoryScheduleStore() });

describe("memory schedule store bounds", () => {
  it("refuses a schedule beyond maxSchedules rather than dropping one", async () => {
    const store = createMemoryScheduleStore({ maxSchedules: 2 });
    const kept = [await store.createSchedule(sampleSchedule()), await store.createSchedule(sampleSchedule())];
    const refused = await store.createSchedule(sampleSchedule()).catch((error: unknown) => error);
    expect(isNeonhubError(refused, "STORE_UNAVAILABLE")).toBe(true);
    for (const schedule of kept) expect(await store.getSchedule(schedule.organizationId, schedule.id)).not.toBeNull();
    await store.deleteSchedule(kept[0]!.organizationId, kept[0]!.id);
    await expect(store.createSchedule(sampleSchedule())).resolves.toBeTruthy();
  });

  it("refuses an invalid bound", () => {
    expect(() => createMemoryScheduleStore({ maxSchedules: 0 })).toThrow(/maxSchedules/);
  });

  it("hands out copies that cannot change what is stored", async () => {
    const store = createMemoryScheduleStore();
    const schedule = await store.createSchedule(sampleSchedule());
    (schedule.input as { siteUrl: string }).siteUrl = "changed";
    schedule.nextRunAt.setTime(0);
    const stored = await store.getSchedule(schedule.organizationId, schedule.id);
    expect(stored?.input).toMatchObject({ siteUrl: "https://example.com" });
    expect(stored?.nextRunAt.getTime()).not.toBe(0);
  });
});
