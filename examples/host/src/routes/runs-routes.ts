import { ConfigurationError, isFinalRunStatus, isNeonhubError, RateLimitedError, RunNotFoundError, type Orchestrator, type OrchestrateRequest } from "@neonhub/core";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireCaller } from "../plugins/api-key-auth-plugin.js";
import { authenticatedErrorResponses, problemResponses } from "../schemas/problem-schema.js";
import { queryIntegerSchema } from "../schemas/query-integer-schema.js";
import {
  createRunBodySchema,
  listRunsQuerySchema,
  queuedRunSchema,
  runIdSchema,
  runPageSchema,
  runSchema,
  runWithToolsSchema,
  signalBodySchema,
  signalNameSchema,
  toRunResource,
  toRunWithToolsResource,
} from "../schemas/run-schemas.js";
import { MAX_OPEN_RUN_WAITS_PER_ORGANIZATION, OpenRunWaits } from "./open-run-waits.js";

/** Options of {@link runsRoutes}. */
export interface RunsRoutesOptions {
  orchestrator: Orchestrator;
}

/** Errors that carry a run id but refuse the request: they stay errors (409, 503) even though a run exists. */
const REFUSAL_CODES = new Set(["IDEMPOTENCY_CONFLICT", "CIRCUIT_OPEN"]);
const runParamsSchema = z.object({ id: runIdSchema });
/** Below the 60 s idle timeout of common proxies and load balancers, so that a wait is never cut on its way. */
export const MAX_RUN_WAIT_MS = 30_000;
const readRunQuerySchema = z
  .object({
    waitMs: queryIntegerSchema({ min: 0, max: MAX_RUN_WAIT_MS, default: 0 }).meta({
      description: `Waits up to this long for the run to end before answering (at most ${MAX_RUN_WAIT_MS} ms); the answer is the run as it is then, ended or not.`,
    }),
  })
  .strict();
/** A refused wait may be asked again after this long, once other waits of the organization have answered. */
const WAIT_RETRY_AFTER_MS = 1_000;
const security = [{ apiKey: [] }];

/** `/v1/runs` routes: start, read, list and cancel runs of the caller's organization. */
export const runsRoutes: FastifyPluginAsyncZod<RunsRoutesOptions> = async (fastify, options) => {
  if (typeof options?.orchestrator?.orchestrate !== "function") throw new ConfigurationError("runsRoutes needs an orchestrator.");
  const { orchestrator } = options;
  const waits = new OpenRunWaits();
  // A wait never holds a closing host: each answers with its run as it is.
  fastify.addHook("preClose", async () => waits.close());

  /** Waits up to `waitMs` for the run to end; a deadline, a client that left or a closing host end the wait early. */
  const waitForEnd = async (organizationId: string, runId: string, waitMs: number, reply: FastifyReply): Promise<void> => {
    const slot = waits.open(organizationId);
    if (!slot) throw new RateLimitedError(`This organization has ${MAX_OPEN_RUN_WAITS_PER_ORGANIZATION} requests waiting for runs on this host, or the host is full; read the run without waitMs or try again.`, WAIT_RETRY_AFTER_MS);
    const clientLeft = () => slot.stop();
    reply.raw.once("close", clientLeft);
    try {
      await orchestrator.waitForRun(organizationId, runId, { timeoutMs: waitMs, signal: slot.signal });
    } catch (error) {
      // A wait that ran out or was stopped answers with the run as it is; a missing run is a 404.
      if (!slot.signal.aborted && !(isNeonhubError(error) && error.code === "TIMEOUT")) throw error;
    } finally {
      reply.raw.off("close", clientLeft);
      slot.release();
    }
  };

  fastify.post(
    "/runs",
    {
      config: { scope: "runs:write" },
      schema: {
        summary: "Run an agent",
        description:
          "Runs the agent and answers with the finished run (whatever its outcome), or queues it when `async` is true. A run that goes on waiting durably (a sleep, a signal such as an approval) answers 202 with the run as `WAITING`, and so does a replayed key whose run is running or waiting.",
        tags: ["runs"],
        security,
        body: createRunBodySchema,
        response: {
          200: runSchema,
          202: z.union([queuedRunSchema, runSchema]),
          ...authenticatedErrorResponses,
          ...problemResponses({
            404: "No agent of that name.",
            409: "The idempotency key was used with a different request.",
            413: "The body is larger than the limit.",
            429: "Admission limit reached; see Retry-After.",
            503: "The agent's circuit is open or the store is unavailable; see Retry-After.",
          }),
        },
      },
    },
    async (request, reply) => {
      const caller = requireCaller(request);
      const { body } = request;
      const runRequest: OrchestrateRequest = {
        agent: body.agent,
        input: body.input,
        context: { organizationId: caller.organizationId, userId: caller.userId },
        ...(body.intent === undefined ? {} : { intent: body.intent }),
        ...(body.idempotencyKey === undefined ? {} : { idempotencyKey: body.idempotencyKey }),
        ...(body.timeoutMs === undefined ? {} : { timeoutMs: body.timeoutMs }),
      };
      if (body.async) {
        const run = await orchestrator.enqueue(runRequest);
        // A replayed key whose run already left the queue answers with the run as it is now: 200 only once it has ended.
        if (isFinalRunStatus(run.status)) return reply.code(200).send(toRunResource(run));
        reply.code(202).header("location", `/v1/runs/${run.id}`);
        return reply.send(run.status === "QUEUED" ? { id: run.id, status: "QUEUED" as const } : toRunResource(run));
      }
      try {
        const run = await orchestrator.orchestrate(runRequest);
        if (run.status === "WAITING") return reply.code(202).header("location", `/v1/runs/${run.id}`).send(toRunResource(run));
        return reply.code(200).send(toRunResource(run));
      } catch (error) {
        // The run executed and ended FAILED, TIMED_OUT or CANCELLED: that record is the answer, as on a replay.
        if (!isNeonhubError(error) || REFUSAL_CODES.has(error.code) || error.runId === undefined) throw error;
        const run = await orchestrator.getRun(caller.organizationId, error.runId);
        if (!run || !isFinalRunStatus(run.status)) throw error;
        return reply.code(200).send(toRunResource(run));
      }
    },
  );

  fastify.get(
    "/runs/:id",
    {
      config: { scope: "runs:read" },
      schema: {
        summary: "Read a run with its tool executions and its journal's steps",
        description:
          "With `waitMs`, answers once the run has ended or when `waitMs` has passed, whichever comes first (a long poll): a client waiting for a queued run asks again while `status` is not final.",
        tags: ["runs"],
        security,
        params: runParamsSchema,
        querystring: readRunQuerySchema,
        response: {
          200: runWithToolsSchema,
          ...authenticatedErrorResponses,
          ...problemResponses({ 404: "No such run in your organization.", 429: "Too many requests of the organization wait for runs on this host; see Retry-After." }),
        },
      },
    },
    async (request, reply) => {
      const caller = requireCaller(request);
      if (request.query.waitMs > 0) await waitForEnd(caller.organizationId, request.params.id, request.query.waitMs, reply);
      const run = await orchestrator.getRun(caller.organizationId, request.params.id);
      if (!run) throw new RunNotFoundError(request.params.id);
      return toRunWithToolsResource(run);
    },
  );

  fastify.get(
    "/runs",
    {
      config: { scope: "runs:read" },
      schema: {
        summary: "List runs, newest first",
        tags: ["runs"],
        security,
        querystring: listRunsQuerySchema,
        response: { 200: runPageSchema, ...authenticatedErrorResponses },
      },
    },
    async (request) => {
      const caller = requireCaller(request);
      const { query } = request;
      const page = await orchestrator.listRuns({
        organizationId: caller.organizationId,
        limit: query.limit,
        ...(query.agent === undefined ? {} : { agentName: query.agent }),
        ...(query.status === undefined ? {} : { status: query.status }),
        ...(query.user === undefined ? {} : { userId: query.user }),
        ...(query.intent === undefined ? {} : { intentContains: query.intent }),
        ...(query.createdAfter === undefined ? {} : { createdAfter: new Date(query.createdAfter) }),
        ...(query.createdBefore === undefined ? {} : { createdBefore: new Date(query.createdBefore) }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
      return { runs: page.runs.map(toRunResource), nextCursor: page.nextCursor };
    },
  );

  fastify.post(
    "/runs/:id/cancel",
    {
      config: { scope: "runs:write" },
      schema: {
        summary: "Cancel a queued, running or waiting run",
        description: "A run that has already ended is answered as it is.",
        tags: ["runs"],
        security,
        params: runParamsSchema,
        response: { 200: runSchema, ...authenticatedErrorResponses, ...problemResponses({ 404: "No such run in your organization." }) },
      },
    },
    async (request) => {
      const caller = requireCaller(request);
      // Who cancelled is kept in the log: the run record tells only that it was cancelled. A run that had already
      // ended, cancelled or not, is answered as it is, and the log says that this cancel changed nothing; the cancel
      // still goes on, since it also cancels the open children an ended run may have left.
      const before = await orchestrator.store.getRun(caller.organizationId, request.params.id);
      const run = await orchestrator.cancel(caller.organizationId, request.params.id);
      const hadEnded = before !== null && isFinalRunStatus(before.status);
      const outcome = !hadEnded && run.status === "CANCELLED" ? "run cancelled" : `run not cancelled: it had already ended ${run.status}`;
      request.log.info({ audit: "run.cancel", runId: run.id, status: run.status, organizationId: caller.organizationId, userId: caller.userId, apiKeyId: caller.apiKeyId }, outcome);
      return toRunResource(run);
    },
  );

  fastify.post(
    "/runs/:id/signals/:name",
    {
      config: { scope: "runs:write" },
      schema: {
        summary: "Send a signal to a run",
        description:
          "Wakes a run waiting for this signal (`ctx.waitForSignal(name)`), or keeps it for a run that has not begun waiting yet. One signal per name and run; it is recorded with who sent it and when.",
        tags: ["runs"],
        security,
        params: z.object({ id: runIdSchema, name: signalNameSchema }),
        body: signalBodySchema,
        response: {
          202: runSchema,
          ...authenticatedErrorResponses,
          ...problemResponses({ 404: "No such run in your organization.", 409: "A signal of that name was already sent, or the run has ended." }),
        },
      },
    },
    async (request, reply) => {
      const caller = requireCaller(request);
      const run = await orchestrator.signal(caller.organizationId, request.params.id, request.params.name, request.body.payload ?? null, { sentBy: caller.userId });
      // The run keeps the signal with its sender; the log also names the key it came with.
      request.log.info({ audit: "run.signal", runId: run.id, signal: request.params.name, organizationId: caller.organizationId, userId: caller.userId, apiKeyId: caller.apiKeyId }, "run signalled");
      return reply.code(202).send(toRunResource(run));
    },
  );
};
