import {
  AlreadyExistsError,
  CATCH_UP_POLICIES,
  ValidationError,
  decodeCursor,
  encodeCursor,
  refuseUnreadableTexts,
  refuseUnstorableTexts,
  storableTextProblem,
  validateListDueSchedules,
  validateListSchedulesQuery,
  type CatchUpPolicy,
  type Schedule,
  type ScheduleStore,
} from "@neonhub/core";
import { Prisma, type PrismaClient, type Schedule as ScheduleRow } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";
import { isUniqueViolation } from "../errors/to-store-error.js";

const toCatchUp = (value: string): CatchUpPolicy => ((CATCH_UP_POLICIES as readonly string[]).includes(value) ? (value as CatchUpPolicy) : "latest");

const toSchedule = (row: ScheduleRow): Schedule => ({
  id: row.id,
  organizationId: row.organizationId,
  agentName: row.agentName,
  cron: row.cron,
  timeZone: row.timeZone,
  input: row.input,
  enabled: row.enabled,
  catchUp: toCatchUp(row.catchUp),
  nextRunAt: row.nextRunAt,
  lastTickAt: row.lastTickAt,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/**
 * The input as Prisma writes it: its JSON form, with what JSON writes as nothing (a function, a symbol) as JSON null,
 * and JSON null as Prisma's marker, not as a missing value.
 * @throws ValidationError for an input JSON cannot hold (a `bigint`, a cycle), and for a text input PostgreSQL cannot
 * hold: Prisma's engine fails to read its own request when the text has an unpaired surrogate, which would otherwise
 * surface as an unexplained store failure.
 */
function toJson(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  const problem = typeof value === "string" ? storableTextProblem(value) : null;
  if (problem !== null) throw new ValidationError(`The schedule's input cannot be stored: ${problem.toLowerCase()}.`, [{ path: "input", message: problem }]);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`The schedule's input cannot be stored as JSON: ${reason}.`, [{ path: "input", message: "Must be a JSON value (no bigint, no cycle)" }], { cause: error });
  }
  return json === undefined || json === "null" ? Prisma.JsonNull : (JSON.parse(json) as Prisma.InputJsonValue);
}

/**
 * A {@link ScheduleStore} on `Schedule` rows. A claim is one `UPDATE ... WHERE id AND nextRunAt = dueAt AND updatedAt = <read> AND enabled`:
 * a second scheduler's update waits for the first one's row lock, then finds `nextRunAt` moved and updates nothing.
 */
export function createPrismaScheduleStore(prisma: PrismaClient): ScheduleStore {
  return {
    specificationVersion: "v1",

    createSchedule: (schedule) =>
      guarded("create the schedule", async () => {
        const { id, organizationId, agentName, cron, timeZone, catchUp, createdBy } = schedule;
        refuseUnstorableTexts("schedule", { id, organizationId, agentName, cron, timeZone, catchUp, createdBy });
        try {
          return toSchedule(await prisma.schedule.create({ data: { ...schedule, input: toJson(schedule.input) } }));
        } catch (error) {
          // The primary key decides, also between two hosts creating at once: never check-then-insert.
          if (isUniqueViolation(error)) throw new AlreadyExistsError("schedule", ["id"], { cause: error });
          throw error;
        }
      }),

    getSchedule: (organizationId, scheduleId) =>
      guarded("read the schedule", async () => {
        refuseUnreadableTexts("schedule", { organizationId, scheduleId });
        const row = await prisma.schedule.findFirst({ where: { id: scheduleId, organizationId } });
        return row ? toSchedule(row) : null;
      }),

    listSchedules: async (query) => {
      validateListSchedulesQuery(query);
      refuseUnreadableTexts("schedules", { organizationId: query.organizationId, agentName: query.agentName });
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      return guarded("list schedules", async () => {
        const rows = await prisma.schedule.findMany({
          where: {
            organizationId: query.organizationId,
            ...(query.agentName === undefined ? {} : { agentName: query.agentName }),
            // The bound on createdAt starts the index range at the cursor (see listRuns in the run store).
            ...(after === null ? {} : { createdAt: { lte: after.createdAt }, OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }),
          },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return { schedules: page.map(toSchedule), nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
      });
    },

    updateSchedule: (organizationId, scheduleId, changes) =>
      guarded("update the schedule", async () => {
        const { input, ...rest } = changes;
        refuseUnreadableTexts("schedule", { organizationId, scheduleId });
        refuseUnstorableTexts("schedule", { cron: rest.cron, timeZone: rest.timeZone, catchUp: rest.catchUp });
        const [row] = await prisma.schedule.updateManyAndReturn({
          where: { id: scheduleId, organizationId },
          data: { ...rest, ...(input === undefined ? {} : { input: toJson(input) }) },
        });
        return row ? toSchedule(row) : null;
      }),

    deleteSchedule: (organizationId, scheduleId) =>
      guarded("delete the schedule", async () => {
        refuseUnreadableTexts("schedule", { organizationId, scheduleId });
        return (await prisma.schedule.deleteMany({ where: { id: scheduleId, organizationId } })).count > 0;
      }),

    listDueSchedules: async (input) => {
      validateListDueSchedules(input);
      return guarded("list due schedules", async () => {
        const rows = await prisma.schedule.findMany({ where: { enabled: true, nextRunAt: { lte: input.now } }, orderBy: [{ nextRunAt: "asc" }, { id: "asc" }], take: input.limit });
        return rows.map(toSchedule);
      });
    },

    claimTick: (input) =>
      guarded("claim the schedule's tick", async () => {
        refuseUnreadableTexts("schedule", { organizationId: input.organizationId, scheduleId: input.scheduleId });
        const [row] = await prisma.schedule.updateManyAndReturn({
          where: { id: input.scheduleId, organizationId: input.organizationId, enabled: true, nextRunAt: input.dueAt, updatedAt: input.updatedAt },
          data: { nextRunAt: input.nextRunAt, ...(input.lastTickAt === null ? {} : { lastTickAt: input.lastTickAt }) },
        });
        return row ? toSchedule(row) : null;
      }),

    checkHealth: () =>
      guarded("reach the database", async () => {
        await prisma.$queryRaw`SELECT 1 FROM "Schedule" LIMIT 1`;
      }),
  };
}
