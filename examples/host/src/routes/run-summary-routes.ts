import { ConfigurationError, type Orchestrator } from "@neonhub/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireCaller } from "../plugins/api-key-auth-plugin.js";
import { authenticatedErrorResponses } from "../schemas/problem-schema.js";
import { runSummarySchema, summaryQuerySchema } from "../schemas/run-summary-schemas.js";

/** Options of {@link runSummaryRoutes}. */
export interface RunSummaryRoutesOptions {
  orchestrator: Orchestrator;
  /** Current time in ms; tests pass a fixed one. */
  now?: () => number;
}

/** `GET /v1/runs/summary`: per-agent outcomes and runs per minute of the caller's organization. */
export const runSummaryRoutes: FastifyPluginAsyncZod<RunSummaryRoutesOptions> = async (fastify, options) => {
  if (typeof options?.orchestrator?.store?.summarizeRuns !== "function") throw new ConfigurationError("runSummaryRoutes needs an orchestrator with a store.");
  const { orchestrator } = options;
  const now = options.now ?? Date.now;

  fastify.get(
    "/runs/summary",
    {
      config: { scope: "runs:read" },
      schema: {
        summary: "Per-agent success and p95 duration, and runs per minute by status, over a recent window",
        tags: ["runs"],
        security: [{ apiKey: [] }],
        querystring: summaryQuerySchema,
        response: { 200: runSummarySchema, ...authenticatedErrorResponses },
      },
    },
    async (request) => {
      const caller = requireCaller(request);
      const until = new Date(now());
      const since = new Date(until.getTime() - request.query.windowMinutes * 60_000);
      const summary = await orchestrator.store.summarizeRuns({ organizationId: caller.organizationId, since, until });
      return {
        since: since.toISOString(),
        until: until.toISOString(),
        agents: summary.agents,
        minutes: summary.minutes.map((minute) => ({ ...minute, minute: minute.minute.toISOString() })),
      };
    },
  );
};
