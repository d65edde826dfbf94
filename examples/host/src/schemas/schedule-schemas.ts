import { CATCH_UP_POLICIES, isStorableText, type Schedule } from "@neonhub/core";
import { z } from "zod";
import { queryIntegerSchema } from "./query-integer-schema.js";

const timestamp = z.iso.datetime();
const cron = z.string().min(1).max(200).meta({
  description: "Five-field cron expression (minute hour day-of-month month day-of-week), or @hourly, @daily, @weekly, @monthly, @yearly; at most once a minute. Example: `0 6 * * *`.",
});
const timeZone = z.string().min(1).max(100).meta({ description: "IANA time zone the expression is read in, such as `Europe/Berlin` or `UTC`." });
const catchUp = z.enum(CATCH_UP_POLICIES).meta({
  description: "Ticks missed while no host ran: `latest` runs the most recent one once, `none` skips them, `all` runs each (at most 24).",
});
const storableText = { message: "must not contain NUL or unpaired UTF-16 surrogates" };
const input = z.unknown().refine((value) => value !== undefined, { message: "is required" }).meta({ description: "The input of every run; validated against the agent's input schema." });

/** Schedule ids as the store issues them; anything else cannot exist and is refused before a lookup. */
export const scheduleIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a schedule id");

/** A schedule as the API shows it. */
export const scheduleSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    agent: z.string(),
    cron: z.string(),
    timeZone: z.string(),
    input: z.unknown(),
    enabled: z.boolean(),
    catchUp,
    nextRunAt: timestamp.meta({ description: "The next tick: when the next run starts." }),
    lastTickAt: timestamp.nullable().meta({ description: "The last tick a run was started for." }),
    createdBy: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Schedule" });

/** Body of `POST /v1/schedules`. */
export const createScheduleBodySchema = z
  .object({
    agent: z.string().min(1).max(100).refine(isStorableText, storableText),
    cron,
    timeZone: timeZone.default("UTC"),
    input,
    enabled: z.boolean().default(true),
    catchUp: catchUp.default("latest"),
  })
  .strict()
  .meta({ id: "CreateScheduleRequest" });

/** Body of `PATCH /v1/schedules/{id}`. */
export const updateScheduleBodySchema = z
  .object({ cron: cron.optional(), timeZone: timeZone.optional(), input: z.unknown().optional(), enabled: z.boolean().optional(), catchUp: catchUp.optional() })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: "must change at least one field" })
  .meta({ id: "UpdateScheduleRequest" });

/** Query of `GET /v1/schedules`. */
export const listSchedulesQuerySchema = z
  .object({
    agent: z.string().min(1).max(100).refine(isStorableText, storableText).optional(),
    limit: queryIntegerSchema({ min: 1, max: 100, default: 20 }),
    cursor: z.string().min(1).max(512).refine(isStorableText, storableText).optional().meta({ description: "nextCursor of the previous page." }),
  })
  .strict();

/** One page of schedules. */
export const schedulePageSchema = z.object({ schedules: z.array(scheduleSchema), nextCursor: z.string().nullable() }).meta({ id: "SchedulePage" });

/** The API view of a schedule: dates as ISO strings. */
export function toScheduleResource(schedule: Schedule): z.input<typeof scheduleSchema> {
  return {
    id: schedule.id,
    organizationId: schedule.organizationId,
    agent: schedule.agentName,
    cron: schedule.cron,
    timeZone: schedule.timeZone,
    input: schedule.input,
    enabled: schedule.enabled,
    catchUp: schedule.catchUp,
    nextRunAt: schedule.nextRunAt.toISOString(),
    lastTickAt: schedule.lastTickAt?.toISOString() ?? null,
    createdBy: schedule.createdBy,
    createdAt: schedule.createdAt.toISOString(),
    updatedAt: schedule.updatedAt.toISOString(),
  };
}
