import { randomUUID } from "node:crypto";
import { describe, expect, it } from "./vitest-api.js";
import { openStoreAroundSuite, type StoreConformanceOptions } from "./store-conformance-options.js";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { callOutcome, HOSTILE_TEXTS, refusedField } from "./call-outcome.js";
import type { Schedule } from "../model/schedule.js";
import type { ScheduleStore } from "../ports/schedule-store.js";

/** Options of {@link runScheduleStoreConformanceSuite}. */
export type ScheduleStoreConformanceOptions = StoreConformanceOptions<ScheduleStore>;

const BASE_TIME = Date.UTC(2026, 5, 1, 12);

/** A schedule to create; each call gets a fresh id and organization so tests do not see each other's schedules. */
export function sampleSchedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    id: randomUUID(),
    organizationId: `org-${randomUUID()}`,
    agentName: "sample-agent",
    cron: "0 6 * * *",
    timeZone: "Europe/Berlin",
    input: { siteUrl: "https://example.com", tags: ["a", "b"], nested: { count: 2 } },
    enabled: true,
    catchUp: "latest",
    nextRunAt: new Date(BASE_TIME + 3_600_000),
    lastTickAt: null,
    createdBy: "user-1",
    createdAt: new Date(BASE_TIME),
    updatedAt: new Date(BASE_TIME),
    ...overrides,
  };
}

/**
 * The behaviour every {@link ScheduleStore} adapter must show, including that of claimers racing for one tick
 * exactly one wins. Call it at the top level of a vitest file:
 * @example
 * runScheduleStoreConformanceSuite({ name: "postgres", createStore: async () => database.scheduleStore });
 */
export function runScheduleStoreConformanceSuite(options: ScheduleStoreConformanceOptions): void {
  describe(`ScheduleStore conformance: ${options.name}`, () => {
    let store!: ScheduleStore;
    openStoreAroundSuite(options, (opened) => (store = opened));

    it("declares the port version and is healthy", async () => {
      expect(store.specificationVersion).toBe("v1");
      await expect(store.checkHealth()).resolves.toBeUndefined();
    });

    it("creates a schedule and reads it back with every field", async () => {
      const schedule = sampleSchedule({ lastTickAt: new Date(BASE_TIME - 60_000), catchUp: "all" });
      expect(await store.createSchedule(schedule)).toEqual(schedule);
      expect(await store.getSchedule(schedule.organizationId, schedule.id)).toEqual(schedule);
    });

    it("refuses a schedule whose id is taken, in its organization or another, with ALREADY_EXISTS, and keeps the first", async () => {
      const schedule = await store.createSchedule(sampleSchedule({ agentName: "first" }));
      expect(await callOutcome(() => store.createSchedule(sampleSchedule({ id: schedule.id, organizationId: schedule.organizationId, agentName: "second" })))).toBe("already exists id");
      expect(await callOutcome(() => store.createSchedule(sampleSchedule({ id: schedule.id, agentName: "foreign" })))).toBe("already exists id");
      expect(await store.getSchedule(schedule.organizationId, schedule.id)).toEqual(schedule);
    });

    it("treats another organization's schedule as not found", async () => {
      const schedule = sampleSchedule();
      await store.createSchedule(schedule);
      const other = `org-${randomUUID()}`;
      expect(await store.getSchedule(other, schedule.id)).toBeNull();
      expect(await store.updateSchedule(other, schedule.id, { enabled: false, updatedAt: new Date(BASE_TIME + 1) })).toBeNull();
      expect(await store.deleteSchedule(other, schedule.id)).toBe(false);
      expect(await store.claimTick({ organizationId: other, scheduleId: schedule.id, dueAt: schedule.nextRunAt, updatedAt: schedule.updatedAt, nextRunAt: new Date(BASE_TIME + 86_400_000), lastTickAt: schedule.nextRunAt })).toBeNull();
      expect((await store.listSchedules({ organizationId: other, limit: 10 })).schedules).toEqual([]);
      expect(await store.getSchedule(schedule.organizationId, schedule.id)).toEqual(schedule);
    });

    it("lists an organization's schedules newest first, page by page, optionally of one agent", async () => {
      const organizationId = `org-${randomUUID()}`;
      const created: Schedule[] = [];
      for (let index = 0; index < 5; index += 1) {
        // Two share a creation time: the id breaks the tie.
        const createdAt = new Date(BASE_TIME + Math.min(index, 3) * 1_000);
        created.push(await store.createSchedule(sampleSchedule({ organizationId, createdAt, updatedAt: createdAt, agentName: index % 2 === 0 ? "even-agent" : "odd-agent" })));
      }
      const expected = [...created].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((schedule) => schedule.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 3; page += 1) {
        const result = await store.listSchedules({ organizationId, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...result.schedules.map((schedule) => schedule.id));
        if (result.nextCursor === null) break;
        cursor = result.nextCursor;
      }
      expect(seen).toEqual(expected);
      const even = await store.listSchedules({ organizationId, agentName: "even-agent", limit: 10 });
      expect(even.schedules.map((schedule) => schedule.agentName)).toEqual(["even-agent", "even-agent", "even-agent"]);
      expect(even.nextCursor).toBeNull();
    });

    it("refuses a page size out of range and a forged cursor", async () => {
      for (const limit of [0, 501, 1.5]) {
        const error = await store.listSchedules({ organizationId: "org-x", limit }).catch((caught: unknown) => caught);
        expect(isNeonhubError(error, "VALIDATION_FAILED"), `limit ${limit}`).toBe(true);
      }
      const forged = await store.listSchedules({ organizationId: "org-x", limit: 10, cursor: "not-a-cursor" }).catch((caught: unknown) => caught);
      expect(isNeonhubError(forged, "VALIDATION_FAILED")).toBe(true);
    });

    it("updates only the fields given", async () => {
      const schedule = await store.createSchedule(sampleSchedule());
      const updatedAt = new Date(BASE_TIME + 5_000);
      const nextRunAt = new Date(BASE_TIME + 7_200_000);
      const updated = await store.updateSchedule(schedule.organizationId, schedule.id, { cron: "0 7 * * 1", timeZone: "UTC", input: { replaced: [1, { deep: true }] }, enabled: false, catchUp: "none", nextRunAt, updatedAt });
      expect(updated).toEqual({ ...schedule, cron: "0 7 * * 1", timeZone: "UTC", input: { replaced: [1, { deep: true }] }, enabled: false, catchUp: "none", nextRunAt, updatedAt });
      const again = await store.updateSchedule(schedule.organizationId, schedule.id, { enabled: true, updatedAt: new Date(BASE_TIME + 6_000) });
      expect(again).toEqual({ ...updated, enabled: true, updatedAt: new Date(BASE_TIME + 6_000) });
      expect(await store.getSchedule(schedule.organizationId, schedule.id)).toEqual(again);
      expect(await store.updateSchedule(schedule.organizationId, randomUUID(), { enabled: true, updatedAt })).toBeNull();
    });

    it("keeps a schedule's input in its JSON form, whatever is done to the values handed in or read back", async () => {
      const at = new Date(BASE_TIME);
      const schedule = sampleSchedule({ input: { at, list: [1], gone: undefined } });
      const created = await store.createSchedule(schedule);
      expect(created.input).toStrictEqual({ at: at.toISOString(), list: [1] });
      (schedule.input as { list: number[] }).list.push(2);
      (created.input as { list: number[] }).list.push(3);
      const read = await store.getSchedule(schedule.organizationId, schedule.id);
      expect(read?.input).toStrictEqual({ at: at.toISOString(), list: [1] });
      (read?.input as { list: number[] }).list.push(4);
      read?.nextRunAt.setTime(0);
      const changes = { input: { at, list: [5] }, updatedAt: new Date(BASE_TIME + 1_000) };
      const updated = await store.updateSchedule(schedule.organizationId, schedule.id, changes);
      changes.input.list.push(6);
      (updated?.input as { list: number[] }).list.push(7);
      const [listed] = (await store.listSchedules({ organizationId: schedule.organizationId, limit: 1 })).schedules;
      (listed?.input as { list: number[] }).list.push(8);
      expect(await store.getSchedule(schedule.organizationId, schedule.id)).toEqual({ ...schedule, input: { at: at.toISOString(), list: [5] }, updatedAt: changes.updatedAt });
    });

    it("keeps an input JSON writes as nothing (a function, a symbol) as JSON null, and refuses one JSON cannot hold", async () => {
      for (const input of [() => "site", Symbol("site")]) {
        const schedule = sampleSchedule({ input });
        expect((await store.createSchedule(schedule)).input).toBeNull();
        expect((await store.getSchedule(schedule.organizationId, schedule.id))?.input).toBeNull();
      }
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      for (const input of [10n, { total: 10n }, cycle]) {
        const refused = sampleSchedule({ input });
        const failure = await store.createSchedule(refused).catch((error: unknown) => error);
        expect(isNeonhubError(failure, "VALIDATION_FAILED") && !failure.isRetryable).toBe(true);
        expect(await store.getSchedule(refused.organizationId, refused.id)).toBeNull();
      }
    });

    it("keeps an input that is NaN, Infinity or -Infinity as JSON null, as PostgreSQL does", async () => {
      const schedule = sampleSchedule({ input: Number.NaN });
      expect((await store.createSchedule(schedule)).input).toBeNull();
      expect((await store.getSchedule(schedule.organizationId, schedule.id))?.input).toBeNull();
      for (const input of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect((await store.updateSchedule(schedule.organizationId, schedule.id, { input, updatedAt: new Date(BASE_TIME + 1_000) }))?.input).toBeNull();
        expect((await store.getSchedule(schedule.organizationId, schedule.id))?.input).toBeNull();
      }
    });

    it("refuses a schedule, or changes to one, with a NUL character in any text, as PostgreSQL does, and writes nothing", async () => {
      const isRefused = (error: unknown) => isNeonhubError(error, "VALIDATION_FAILED") && !error.isRetryable;
      const nul = "a\u0000b";
      for (const overrides of [{ input: { siteUrl: nul } }, { input: { [nul]: 1 } }, { input: nul }, { cron: nul }, { agentName: nul }, { createdBy: nul }]) {
        const refused = sampleSchedule(overrides);
        await expect(store.createSchedule(refused)).rejects.toSatisfy(isRefused);
        expect(await store.getSchedule(refused.organizationId, refused.id)).toBeNull();
      }
      const schedule = await store.createSchedule(sampleSchedule());
      const updatedAt = new Date(BASE_TIME + 1_000);
      for (const changes of [{ input: { siteUrl: nul } }, { input: nul }, { cron: nul }, { timeZone: nul }]) {
        await expect(store.updateSchedule(schedule.organizationId, schedule.id, { ...changes, enabled: false, updatedAt })).rejects.toSatisfy(isRefused);
      }
      expect(await store.getSchedule(schedule.organizationId, schedule.id)).toEqual(schedule);
    });

    it("refuses a schedule, or changes to one, with an unpaired surrogate in any text, rather than keeping it changed", async () => {
      const isRefused = (error: unknown) => isNeonhubError(error, "VALIDATION_FAILED") && !error.isRetryable;
      const lone = "a\uD800b";
      const outcome = (call: () => Promise<unknown>) => call().then(() => "kept", (error: unknown) => (isRefused(error) ? "refused" : String(error)));
      const answers: Array<[string, string]> = [];
      for (const field of ["cron", "agentName", "timeZone", "createdBy"] as const) {
        const refused = sampleSchedule({ [field]: lone });
        answers.push([`createSchedule ${field}`, await outcome(() => store.createSchedule(refused))]);
        expect(await store.getSchedule(refused.organizationId, refused.id)).toBeNull();
      }
      const schedule = await store.createSchedule(sampleSchedule());
      const updatedAt = new Date(BASE_TIME + 1_000);
      for (const field of ["cron", "timeZone"] as const) {
        answers.push([`updateSchedule ${field}`, await outcome(() => store.updateSchedule(schedule.organizationId, schedule.id, { [field]: lone, enabled: false, updatedAt }))]);
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(answers.map(([name]) => [name, "refused"])));
      expect(await store.getSchedule(schedule.organizationId, schedule.id)).toEqual(schedule);
    });

    it("refuses a read, change or delete given a NUL character or an unpaired surrogate in a text it looks up, and changes nothing", async () => {
      // PostgreSQL refuses a query holding NUL, and would compare an unpaired surrogate changed into U+FFFD: a
      // schedule whose agent's name holds U+FFFD would match. No kept text holds either, so every store refuses both,
      // naming the field.
      const schedule = await store.createSchedule(sampleSchedule({ agentName: "a\uFFFDb" }));
      const { organizationId, id } = schedule;
      const updatedAt = new Date(BASE_TIME + 1_000);
      const claim = { organizationId, scheduleId: id, dueAt: schedule.nextRunAt, updatedAt: schedule.updatedAt, nextRunAt: updatedAt, lastTickAt: schedule.nextRunAt };
      const calls = (text: string): Array<[string, () => Promise<unknown>]> => [
        ["getSchedule(organizationId)", () => store.getSchedule(text, id)],
        ["getSchedule(scheduleId)", () => store.getSchedule(organizationId, text)],
        ["listSchedules(organizationId)", () => store.listSchedules({ organizationId: text, limit: 5 })],
        ["listSchedules(agentName)", () => store.listSchedules({ organizationId, agentName: text, limit: 5 })],
        ["updateSchedule(organizationId)", () => store.updateSchedule(text, id, { enabled: false, updatedAt })],
        ["updateSchedule(scheduleId)", () => store.updateSchedule(organizationId, text, { enabled: false, updatedAt })],
        ["deleteSchedule(organizationId)", () => store.deleteSchedule(text, id)],
        ["deleteSchedule(scheduleId)", () => store.deleteSchedule(organizationId, text)],
        ["claimTick(organizationId)", () => store.claimTick({ ...claim, organizationId: text })],
        ["claimTick(scheduleId)", () => store.claimTick({ ...claim, scheduleId: text })],
      ];
      const answers: Array<[string, string]> = [];
      for (const [kind, text] of HOSTILE_TEXTS) {
        for (const [name, call] of calls(text)) answers.push([`${name} ${kind}`, await callOutcome(call)]);
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(answers.map(([name]) => [name, `refused ${refusedField(name)}`])));
      expect(await store.getSchedule(organizationId, id)).toEqual(schedule);
    });

    it("refuses a schedule, or a change to one, whose input holds an unpaired surrogate, as PostgreSQL does", async () => {
      const isRefused = (error: unknown) => isNeonhubError(error, "VALIDATION_FAILED") && !error.isRetryable;
      const lone = "a\uD800";
      for (const input of [{ siteUrl: lone }, { [lone]: 1 }, lone]) {
        const refused = sampleSchedule({ input });
        await expect(store.createSchedule(refused)).rejects.toSatisfy(isRefused);
        expect(await store.getSchedule(refused.organizationId, refused.id)).toBeNull();
      }
      const schedule = await store.createSchedule(sampleSchedule());
      await expect(store.updateSchedule(schedule.organizationId, schedule.id, { input: { siteUrl: lone }, updatedAt: new Date(BASE_TIME + 1_000) })).rejects.toSatisfy(isRefused);
      expect(await store.getSchedule(schedule.organizationId, schedule.id)).toEqual(schedule);
    });

    it("deletes a schedule once", async () => {
      const schedule = await store.createSchedule(sampleSchedule());
      expect(await store.deleteSchedule(schedule.organizationId, schedule.id)).toBe(true);
      expect(await store.getSchedule(schedule.organizationId, schedule.id)).toBeNull();
      expect(await store.deleteSchedule(schedule.organizationId, schedule.id)).toBe(false);
    });

    it("lists enabled due schedules of every organization, earliest first, up to the limit", async () => {
      // Long before any other test's schedules, so that only these are due.
      const epoch = Date.UTC(1990, 0, 1);
      const first = await store.createSchedule(sampleSchedule({ nextRunAt: new Date(epoch + 1_000) }));
      const second = await store.createSchedule(sampleSchedule({ nextRunAt: new Date(epoch + 2_000) }));
      await store.createSchedule(sampleSchedule({ nextRunAt: new Date(epoch), enabled: false }));
      await store.createSchedule(sampleSchedule({ nextRunAt: new Date(epoch + 10_000) }));
      const now = new Date(epoch + 2_000);
      expect((await store.listDueSchedules({ now, limit: 10 })).map((schedule) => schedule.id)).toEqual([first.id, second.id]);
      expect((await store.listDueSchedules({ now, limit: 1 })).map((schedule) => schedule.id)).toEqual([first.id]);
      expect(await store.listDueSchedules({ now: new Date(epoch + 999), limit: 10 })).toEqual([]);
      const refused = await store.listDueSchedules({ now, limit: 0 }).catch((caught: unknown) => caught);
      expect(isNeonhubError(refused, "VALIDATION_FAILED")).toBe(true);
    });

    it("claims a due tick once: the next claim of the same tick, and claims of disabled or deleted schedules, get nothing", async () => {
      const schedule = await store.createSchedule(sampleSchedule());
      const nextRunAt = new Date(schedule.nextRunAt.getTime() + 86_400_000);
      const claim = { organizationId: schedule.organizationId, scheduleId: schedule.id, dueAt: schedule.nextRunAt, updatedAt: schedule.updatedAt, nextRunAt, lastTickAt: schedule.nextRunAt };
      expect(await store.claimTick(claim)).toEqual({ ...schedule, nextRunAt, lastTickAt: schedule.nextRunAt });
      expect(await store.claimTick(claim)).toBeNull();
      // Skipped ticks (null) keep the last tick as it was.
      const skipped = await store.claimTick({ ...claim, dueAt: nextRunAt, nextRunAt: new Date(nextRunAt.getTime() + 86_400_000), lastTickAt: null });
      expect(skipped?.lastTickAt).toEqual(schedule.nextRunAt);

      const disabled = await store.createSchedule(sampleSchedule({ enabled: false }));
      expect(await store.claimTick({ ...claim, organizationId: disabled.organizationId, scheduleId: disabled.id, dueAt: disabled.nextRunAt })).toBeNull();
      const deleted = await store.createSchedule(sampleSchedule());
      await store.deleteSchedule(deleted.organizationId, deleted.id);
      expect(await store.claimTick({ ...claim, organizationId: deleted.organizationId, scheduleId: deleted.id, dueAt: deleted.nextRunAt })).toBeNull();
    });

    it("claims nothing of a schedule changed since it was read, even when its nextRunAt stayed the same", async () => {
      const schedule = await store.createSchedule(sampleSchedule());
      const changedAt = new Date(schedule.updatedAt.getTime() + 1);
      await store.updateSchedule(schedule.organizationId, schedule.id, { cron: "0 7 * * *", nextRunAt: schedule.nextRunAt, updatedAt: changedAt });
      const claim = { organizationId: schedule.organizationId, scheduleId: schedule.id, dueAt: schedule.nextRunAt, nextRunAt: new Date(schedule.nextRunAt.getTime() + 86_400_000), lastTickAt: schedule.nextRunAt };
      expect(await store.claimTick({ ...claim, updatedAt: schedule.updatedAt })).toBeNull();
      expect((await store.getSchedule(schedule.organizationId, schedule.id))?.nextRunAt).toEqual(schedule.nextRunAt);
      expect(await store.claimTick({ ...claim, updatedAt: changedAt })).toEqual({ ...schedule, cron: "0 7 * * *", updatedAt: changedAt, nextRunAt: claim.nextRunAt, lastTickAt: schedule.nextRunAt });
    });

    it("gives a tick to exactly one of several claimers racing for it", async () => {
      for (let round = 0; round < 10; round += 1) {
        const schedule = await store.createSchedule(sampleSchedule());
        const claims = Array.from({ length: 4 }, (_, claimer) =>
          store.claimTick({
            organizationId: schedule.organizationId,
            scheduleId: schedule.id,
            dueAt: schedule.nextRunAt,
            updatedAt: schedule.updatedAt,
            nextRunAt: new Date(schedule.nextRunAt.getTime() + 60_000 * (claimer + 1)),
            lastTickAt: schedule.nextRunAt,
          }),
        );
        const winners = (await Promise.all(claims)).filter((claimed) => claimed !== null);
        expect(winners).toHaveLength(1);
        expect(await store.getSchedule(schedule.organizationId, schedule.id)).toEqual(winners[0]);
      }
    });
  });
}
