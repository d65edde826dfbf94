import type { CatchUpPolicy, Schedule } from "../model/schedule.js";

/** Filters and page of {@link ScheduleStore.listSchedules}; results are newest first. */
export interface ListSchedulesQuery {
  organizationId: string;
  /** Only schedules of this agent. */
  agentName?: string;
  /** Page size, 1 to 500. */
  limit: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
}

/** One page of schedules. */
export interface SchedulePage {
  schedules: Schedule[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Changes to a schedule; fields left out stay as they are. */
export interface ScheduleChanges {
  cron?: string;
  timeZone?: string;
  input?: unknown;
  enabled?: boolean;
  catchUp?: CatchUpPolicy;
  nextRunAt?: Date;
  updatedAt: Date;
}

/** Which schedules {@link ScheduleStore.listDueSchedules} returns. */
export interface ListDueSchedulesInput {
  /** Enabled schedules whose `nextRunAt` is at or before this instant, of every organization. */
  now: Date;
  /** At most this many, earliest `nextRunAt` first; 1 to 1,000. */
  limit: number;
}

/** A scheduler's claim of a schedule's due tick (compare-and-set on `nextRunAt`). */
export interface ClaimTickInput {
  organizationId: string;
  scheduleId: string;
  /** The `nextRunAt` the scheduler read: the claim succeeds only while the schedule still has it (and is enabled). */
  dueAt: Date;
  /**
   * The `updatedAt` the scheduler read: a schedule changed since then is not claimed, even when the change left
   * `nextRunAt` where it was (an editing host whose clock is behind), so that the next tick follows the change.
   */
  updatedAt: Date;
  /** The schedule's next tick after this claim. */
  nextRunAt: Date;
  /** The last tick the claim starts a run for, kept as `lastTickAt`; null keeps the current value (ticks skipped). */
  lastTickAt: Date | null;
}

/**
 * Where cron schedules are kept. Every method that takes an id also takes the organization: a schedule of another
 * organization is "not found". Claims are atomic, so that of several schedulers sharing the store (one per host)
 * exactly one claims a given tick. Adapters throw `StoreUnavailableError` when the backing service cannot be
 * reached, and run the conformance suite from `@neonhub/core/testing`.
 */
export interface ScheduleStore {
  /** Version of this port that the adapter implements. */
  readonly specificationVersion: "v1";

  /**
   * Persists a new schedule and returns it as stored.
   * @throws AlreadyExistsError (`ALREADY_EXISTS`, `fields` `["id"]`) when a schedule of any organization has its id;
   * that one is kept.
   */
  createSchedule(schedule: Schedule): Promise<Schedule>;

  /** The schedule, or null when it does not exist in the organization. */
  getSchedule(organizationId: string, scheduleId: string): Promise<Schedule | null>;

  /** Schedules of one organization, newest first, with stable cursor pagination. */
  listSchedules(query: ListSchedulesQuery): Promise<SchedulePage>;

  /** Applies changes; returns the schedule as it is now, or null when it does not exist in the organization. */
  updateSchedule(organizationId: string, scheduleId: string, changes: ScheduleChanges): Promise<Schedule | null>;

  /** Deletes the schedule; false when it did not exist in the organization. */
  deleteSchedule(organizationId: string, scheduleId: string): Promise<boolean>;

  /** Enabled schedules that are due, of every organization, served by an index on (enabled, nextRunAt). */
  listDueSchedules(input: ListDueSchedulesInput): Promise<Schedule[]>;

  /**
   * Claims a due tick: sets `nextRunAt` and `lastTickAt` when the schedule is enabled and its `nextRunAt` and
   * `updatedAt` still equal `dueAt` and `updatedAt`, atomically. Returns the schedule as claimed, or null when another scheduler claimed it first,
   * or it was changed, disabled or deleted meanwhile.
   */
  claimTick(input: ClaimTickInput): Promise<Schedule | null>;

  /** Resolves when the store can serve requests; rejects with `StoreUnavailableError` otherwise. */
  checkHealth(): Promise<void>;
}
