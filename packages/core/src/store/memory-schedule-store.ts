import { ConfigurationError, StoreUnavailableError } from "../errors/errors.js";
import { AlreadyExistsError } from "../errors/already-exists-error.js";
import type { Schedule } from "../model/schedule.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import { validateListDueSchedules, validateListSchedulesQuery } from "../schedules/validate-schedule-query.js";
import { decodeCursor, encodeCursor } from "../util/run-cursor.js";
import { inJsonForm, jsonTextOf } from "./json-form.js";
import { refuseUnstorableTextIn } from "./refuse-unstorable-text.js";
import { refuseUnreadableTexts } from "../util/store-text-checks.js";

/** Schedules a memory store keeps when `maxSchedules` is not given. */
const DEFAULT_MAX_SCHEDULES = 10_000;

/** Options of {@link createMemoryScheduleStore}. */
export interface MemoryScheduleStoreOptions {
  /**
   * Schedules kept at most. A schedule is never evicted (that would silently stop it): creating one more is
   * refused with `StoreUnavailableError`. Default 10,000.
   */
  maxSchedules?: number;
}

// Records are copied in and out so that callers can never change what is stored, the input in its JSON form as the
// database store gives it back (a `Date` as its ISO string).
const copy = (schedule: Schedule): Schedule => ({
  ...schedule,
  input: inJsonForm(schedule.input, "input"),
  nextRunAt: new Date(schedule.nextRunAt),
  lastTickAt: schedule.lastTickAt === null ? null : new Date(schedule.lastTickAt),
  createdAt: new Date(schedule.createdAt),
  updatedAt: new Date(schedule.updatedAt),
});

/** The texts of a schedule, refused when they hold NUL or an unpaired surrogate (see `refuse-unstorable-text.ts`). */
const SCHEDULE_TEXTS = ["id", "organizationId", "agentName", "cron", "timeZone", "catchUp", "createdBy"] as const;

const newestFirst = (a: Schedule, b: Schedule): number => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * A {@link ScheduleStore} in memory, for tests and development (bounded). Claims are atomic because each method
 * reads and writes without awaiting in between.
 */
export function createMemoryScheduleStore(options: MemoryScheduleStoreOptions = {}): ScheduleStore {
  const maxSchedules = options.maxSchedules ?? DEFAULT_MAX_SCHEDULES;
  if (!Number.isInteger(maxSchedules) || maxSchedules < 1) throw new ConfigurationError(`maxSchedules must be a positive integer, got ${maxSchedules}.`);
  const schedules = new Map<string, Schedule>();
  const find = (organizationId: string, scheduleId: string): Schedule | undefined => {
    // No stored text holds NUL or an unpaired surrogate: a lookup refuses them as PostgreSQL does NUL, rather than
    // answering "not found" (see `refuseUnreadableTexts`).
    refuseUnreadableTexts("schedule", { organizationId, scheduleId });
    const schedule = schedules.get(scheduleId);
    return schedule?.organizationId === organizationId ? schedule : undefined;
  };

  return {
    specificationVersion: "v1",

    async createSchedule(schedule) {
      refuseUnstorableTextIn(schedule, SCHEDULE_TEXTS);
      const kept = copy(schedule);
      if (schedules.size >= maxSchedules) throw new StoreUnavailableError(`The memory schedule store is full (${maxSchedules} schedules).`, { isRetryable: false });
      if (schedules.has(schedule.id)) throw new AlreadyExistsError("schedule", ["id"]);
      schedules.set(schedule.id, kept);
      return copy(kept);
    },

    async getSchedule(organizationId, scheduleId) {
      const schedule = find(organizationId, scheduleId);
      return schedule ? copy(schedule) : null;
    },

    async listSchedules(query) {
      validateListSchedulesQuery(query);
      refuseUnreadableTexts("schedules", { organizationId: query.organizationId, agentName: query.agentName });
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      const matching = [...schedules.values()]
        .filter((schedule) => schedule.organizationId === query.organizationId && (query.agentName === undefined || schedule.agentName === query.agentName))
        .filter((schedule) => after === null || newestFirst(schedule, { createdAt: after.createdAt, id: after.id } as Schedule) > 0)
        .sort(newestFirst);
      const page = matching.slice(0, query.limit);
      const last = page.at(-1);
      return { schedules: page.map(copy), nextCursor: matching.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },

    async updateSchedule(organizationId, scheduleId, changes) {
      // Checked before the lookup, as the database store refuses the values of an update that matches nothing too.
      refuseUnreadableTexts("schedule", { organizationId, scheduleId });
      refuseUnstorableTextIn(changes, ["cron", "timeZone", "catchUp"]);
      if (changes.input !== undefined) jsonTextOf(changes.input, "input");
      const schedule = find(organizationId, scheduleId);
      if (!schedule) return null;
      const updated: Schedule = { ...schedule };
      for (const [key, value] of Object.entries(changes)) if (value !== undefined) (updated as unknown as Record<string, unknown>)[key] = value;
      schedules.set(scheduleId, copy(updated));
      return copy(updated);
    },

    async deleteSchedule(organizationId, scheduleId) {
      return find(organizationId, scheduleId) !== undefined && schedules.delete(scheduleId);
    },

    async listDueSchedules(input) {
      validateListDueSchedules(input);
      return [...schedules.values()]
        .filter((schedule) => schedule.enabled && schedule.nextRunAt.getTime() <= input.now.getTime())
        .sort((a, b) => a.nextRunAt.getTime() - b.nextRunAt.getTime())
        .slice(0, input.limit)
        .map(copy);
    },

    async claimTick(input) {
      const schedule = find(input.organizationId, input.scheduleId);
      if (!schedule?.enabled || schedule.nextRunAt.getTime() !== input.dueAt.getTime() || schedule.updatedAt.getTime() !== input.updatedAt.getTime()) return null;
      const claimed: Schedule = { ...schedule, nextRunAt: new Date(input.nextRunAt), lastTickAt: input.lastTickAt === null ? schedule.lastTickAt : new Date(input.lastTickAt) };
      schedules.set(schedule.id, claimed);
      return copy(claimed);
    },

    async checkHealth() {},
  };
}
