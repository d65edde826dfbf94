import { ConfigurationError, type ScheduleManager } from "@neonhub/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireCaller } from "../plugins/api-key-auth-plugin.js";
import { authenticatedErrorResponses, problemResponses } from "../schemas/problem-schema.js";
import {
  createScheduleBodySchema,
  listSchedulesQuerySchema,
  scheduleIdSchema,
  schedulePageSchema,
  scheduleSchema,
  toScheduleResource,
  updateScheduleBodySchema,
} from "../schemas/schedule-schemas.js";

/** Options of {@link schedulesRoutes}. */
export interface SchedulesRoutesOptions {
  schedules: ScheduleManager;
}

const scheduleParamsSchema = z.object({ id: scheduleIdSchema });
const security = [{ apiKey: [] }];
const notFound = problemResponses({ 404: "No such schedule in your organization." });

/** `/v1/schedules` routes: cron schedules of the caller's organization that start runs of an agent. */
export const schedulesRoutes: FastifyPluginAsyncZod<SchedulesRoutesOptions> = async (fastify, options) => {
  if (typeof options?.schedules?.create !== "function") throw new ConfigurationError("schedulesRoutes needs a schedule manager.");
  const { schedules } = options;

  fastify.post(
    "/schedules",
    {
      config: { scope: "schedules:write" },
      schema: {
        summary: "Create a schedule",
        description:
          "Starts a run of the agent with this input at every tick of the cron expression, read in the time zone, as the calling user. The input is validated against the agent's input schema now.",
        tags: ["schedules"],
        security,
        body: createScheduleBodySchema,
        response: { 201: scheduleSchema, ...authenticatedErrorResponses, ...problemResponses({ 404: "No agent of that name." }) },
      },
    },
    async (request, reply) => {
      const caller = requireCaller(request);
      const schedule = await schedules.create(caller, request.body);
      request.log.info({ audit: "schedule.create", scheduleId: schedule.id, organizationId: caller.organizationId, userId: caller.userId }, "schedule created");
      return reply.code(201).header("location", `/v1/schedules/${schedule.id}`).send(toScheduleResource(schedule));
    },
  );

  fastify.get(
    "/schedules",
    {
      config: { scope: "schedules:read" },
      schema: { summary: "List schedules, newest first", tags: ["schedules"], security, querystring: listSchedulesQuerySchema, response: { 200: schedulePageSchema, ...authenticatedErrorResponses } },
    },
    async (request) => {
      const caller = requireCaller(request);
      const { agent, limit, cursor } = request.query;
      const page = await schedules.list({ organizationId: caller.organizationId, limit, ...(agent === undefined ? {} : { agentName: agent }), ...(cursor === undefined ? {} : { cursor }) });
      return { schedules: page.schedules.map(toScheduleResource), nextCursor: page.nextCursor };
    },
  );

  fastify.get(
    "/schedules/:id",
    {
      config: { scope: "schedules:read" },
      schema: { summary: "Read a schedule", tags: ["schedules"], security, params: scheduleParamsSchema, response: { 200: scheduleSchema, ...authenticatedErrorResponses, ...notFound } },
    },
    async (request) => toScheduleResource(await schedules.get(requireCaller(request).organizationId, request.params.id)),
  );

  fastify.patch(
    "/schedules/:id",
    {
      config: { scope: "schedules:write" },
      schema: {
        summary: "Change a schedule",
        description: "Changing the expression or time zone, or enabling the schedule again, moves its next tick to the first one after now.",
        tags: ["schedules"],
        security,
        params: scheduleParamsSchema,
        body: updateScheduleBodySchema,
        response: { 200: scheduleSchema, ...authenticatedErrorResponses, ...notFound },
      },
    },
    async (request) => {
      const caller = requireCaller(request);
      const { cron, timeZone, input, enabled, catchUp } = request.body;
      const schedule = await schedules.update(caller.organizationId, request.params.id, {
        ...(cron === undefined ? {} : { cron }),
        ...(timeZone === undefined ? {} : { timeZone }),
        ...(input === undefined ? {} : { input }),
        ...(enabled === undefined ? {} : { enabled }),
        ...(catchUp === undefined ? {} : { catchUp }),
      });
      request.log.info({ audit: "schedule.update", scheduleId: schedule.id, organizationId: caller.organizationId, userId: caller.userId }, "schedule changed");
      return toScheduleResource(schedule);
    },
  );

  fastify.delete(
    "/schedules/:id",
    {
      config: { scope: "schedules:write" },
      schema: { summary: "Delete a schedule", tags: ["schedules"], security, params: scheduleParamsSchema, response: { 204: z.null().meta({ description: "Deleted." }), ...authenticatedErrorResponses, ...notFound } },
    },
    async (request, reply) => {
      const caller = requireCaller(request);
      await schedules.delete(caller.organizationId, request.params.id);
      request.log.info({ audit: "schedule.delete", scheduleId: request.params.id, organizationId: caller.organizationId, userId: caller.userId }, "schedule deleted");
      return reply.code(204).send(null);
    },
  );
};
