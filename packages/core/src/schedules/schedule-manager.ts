import { AgentNotFoundError, UnauthorizedError, ValidationError } from "../errors/errors.js";
import { fieldErrorsFromZod } from "../errors/field-errors-from-zod.js";
import { InvalidScheduleError, ScheduleNotFoundError } from "../errors/schedule-errors.js";
import type { AgentDefinition } from "../model/agent-definition.js";
import type { CallerContext } from "../model/orchestrate-request.js";
import { CATCH_UP_POLICIES, type CatchUpPolicy, type Schedule } from "../model/schedule.js";
import { storableQueuedInput } from "../orchestrator/stored-input.js";
import type { Clock } from "../ports/clock.js";
import type { ListSchedulesQuery, SchedulePage, ScheduleChanges, ScheduleStore } from "../ports/schedule-store.js";
import { createRedactor } from "../telemetry/redactor.js";
import { systemClock } from "../telemetry/system-clock.js";
import { storableTextProblem, storableValueProblems } from "../util/storable-value.js";
import { createTimeOrderedIds } from "../util/time-ordered-id.js";
import { parseCronExpression } from "./cron-expression.js";

/** A new schedule, as a caller asks for it. */
export interface CreateScheduleRequest {
  /** Name of a registered agent. */
  agent: string;
  cron: string;
  /** IANA time zone; default `UTC`. */
  timeZone?: string;
  /** Checked against the agent's input schema now, and again when each run starts. */
  input: unknown;
  /** Default true. */
  enabled?: boolean;
  /** Default `latest`. */
  catchUp?: CatchUpPolicy;
}

/** Changes to a schedule; fields left out stay as they are. */
export type UpdateScheduleRequest = Partial<Pick<CreateScheduleRequest, "cron" | "timeZone" | "input" | "enabled" | "catchUp">>;

/** Options of {@link createScheduleManager}. */
export interface ScheduleManagerOptions {
  store: ScheduleStore;
  /** The agents schedules may start; a schedule's input is validated with its agent's input schema. */
  agents: readonly AgentDefinition[];
  /**
   * Sets a new or changed schedule's `nextRunAt` (the first tick after now); defaults to the system clock. Hosts
   * sharing a store should give it the database's time, a `ClockSkewMonitor`'s `referenceClock`, as they give their
   * scheduler, so that a host whose clock is off neither sets a schedule back to a tick that has run nor past one.
   */
  clock?: Clock;
  /**
   * The `redactKeys` of the orchestrator that starts the schedules' runs. Scheduled runs are queued, and a queued
   * run receives its stored, redacted input, so input that redaction would change is refused when the schedule is
   * created or changed rather than at every tick.
   */
  redactKeys?: string[];
}

/** Creates, reads, changes and deletes an organization's schedules, validating them before anything is stored. */
export interface ScheduleManager {
  /**
   * @throws InvalidScheduleError for a bad cron expression, time zone or catch-up policy; ValidationError for an
   * input the agent refuses or that redaction would change (see `redactKeys`); AgentNotFoundError for an unknown agent.
   */
  create(caller: CallerContext, request: CreateScheduleRequest): Promise<Schedule>;
  /** @throws ScheduleNotFoundError when it does not exist in the organization. */
  get(organizationId: string, scheduleId: string): Promise<Schedule>;
  list(query: ListSchedulesQuery): Promise<SchedulePage>;
  /**
   * Changing the expression or time zone, or enabling the schedule again, moves its next tick to the first one
   * after now: ticks it did not have while disabled are not caught up.
   * @throws ScheduleNotFoundError, InvalidScheduleError or ValidationError as `create` does.
   */
  update(organizationId: string, scheduleId: string, request: UpdateScheduleRequest): Promise<Schedule>;
  /** @throws ScheduleNotFoundError when it does not exist in the organization. */
  delete(organizationId: string, scheduleId: string): Promise<void>;
}

const DEFAULT_TIME_ZONE = "UTC";

/**
 * Validation and bookkeeping of schedules on a {@link ScheduleStore}; hosts expose it over HTTP.
 * @example
 * const schedules = createScheduleManager({ store: createMemoryScheduleStore(), agents });
 * await schedules.create({ organizationId: "org-1", userId: "user-1" }, { agent: "seo-analyst", cron: "0 6 * * *", timeZone: "Europe/Berlin", input });
 */
export function createScheduleManager(options: ScheduleManagerOptions): ScheduleManager {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const agents = new Map(options.agents.map((agent) => [agent.name, agent]));
  const newId = createTimeOrderedIds();
  const redactor = createRedactor({ keys: options.redactKeys ?? [] });

  const agentFor = (name: unknown): AgentDefinition => {
    const agent = typeof name === "string" ? agents.get(name) : undefined;
    if (!agent) throw new AgentNotFoundError(String(name), [...agents.keys()]);
    return agent;
  };
  const checkInput = (agent: AgentDefinition, input: unknown): void => {
    const storable = storableValueProblems(input, "input");
    if (storable.length > 0) throw new ValidationError("The input holds values that cannot be stored.", storable);
    const parsed = agent.input.safeParse(input);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsFromZod(parsed.error).map((field) => ({ ...field, path: field.path === "" ? "input" : `input.${field.path}` }));
      throw new ValidationError(`The input does not match the input schema of agent "${agent.name}".`, fieldErrors);
    }
    storableQueuedInput(redactor, input);
  };
  const checkCatchUp = (catchUp: unknown): CatchUpPolicy => {
    if (!(CATCH_UP_POLICIES as readonly unknown[]).includes(catchUp)) {
      throw new InvalidScheduleError("The catch-up policy is invalid.", [{ path: "catchUp", message: `Must be one of ${CATCH_UP_POLICIES.join(", ")}` }]);
    }
    return catchUp as CatchUpPolicy;
  };
  const firstTickAfter = (cron: unknown, timeZone: unknown, now: Date): Date => parseCronExpression(cron, timeZone, now).nextAfter(now) as Date;
  const existing = async (organizationId: string, scheduleId: string): Promise<Schedule> => {
    const schedule = await store.getSchedule(organizationId, scheduleId);
    if (!schedule) throw new ScheduleNotFoundError(scheduleId);
    return schedule;
  };

  return {
    async create(caller, request) {
      for (const field of ["organizationId", "userId"] as const) {
        if (typeof caller?.[field] !== "string" || caller[field].length === 0) throw new UnauthorizedError("A schedule needs the caller's userId and organizationId.");
        const problem = storableTextProblem(caller[field]);
        if (problem) throw new ValidationError(`The caller's ${field} cannot be stored.`, [{ path: field, message: problem }]);
      }
      const now = new Date(clock.now());
      const timeZone = request.timeZone ?? DEFAULT_TIME_ZONE;
      const nextRunAt = firstTickAfter(request.cron, timeZone, now);
      const catchUp = checkCatchUp(request.catchUp ?? "latest");
      const agent = agentFor(request.agent);
      checkInput(agent, request.input);
      return store.createSchedule({
        id: newId(now.getTime()),
        organizationId: caller.organizationId,
        agentName: agent.name,
        cron: request.cron.trim(),
        timeZone,
        input: request.input,
        enabled: request.enabled ?? true,
        catchUp,
        nextRunAt,
        lastTickAt: null,
        createdBy: caller.userId,
        createdAt: now,
        updatedAt: now,
      });
    },

    get: existing,

    list: (query) => store.listSchedules(query),

    async update(organizationId, scheduleId, request) {
      const schedule = await existing(organizationId, scheduleId);
      const now = new Date(clock.now());
      // Each change moves updatedAt on, even from a clock behind the last writer's: a scheduler that read the schedule
      // before the change then claims nothing (ScheduleStore.claimTick).
      const changes: ScheduleChanges = { updatedAt: new Date(Math.max(now.getTime(), schedule.updatedAt.getTime() + 1)) };
      const cron = request.cron ?? schedule.cron;
      const timeZone = request.timeZone ?? schedule.timeZone;
      const reenabled = request.enabled === true && !schedule.enabled;
      if (request.cron !== undefined || request.timeZone !== undefined || reenabled) {
        changes.nextRunAt = firstTickAfter(cron, timeZone, now);
        if (request.cron !== undefined) changes.cron = request.cron.trim();
        if (request.timeZone !== undefined) changes.timeZone = request.timeZone;
      }
      if (request.catchUp !== undefined) changes.catchUp = checkCatchUp(request.catchUp);
      if (request.input !== undefined) {
        checkInput(agentFor(schedule.agentName), request.input);
        changes.input = request.input;
      }
      if (request.enabled !== undefined) changes.enabled = request.enabled;
      const updated = await store.updateSchedule(organizationId, scheduleId, changes);
      if (!updated) throw new ScheduleNotFoundError(scheduleId);
      return updated;
    },

    async delete(organizationId, scheduleId) {
      if (!(await store.deleteSchedule(organizationId, scheduleId))) throw new ScheduleNotFoundError(scheduleId);
    },
  };
}
