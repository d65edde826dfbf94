import {
  RunNotFoundError,
  StoreUnavailableError,
  ValidationError,
  decodeCursor,
  encodeCursor,
  type AgentRun,
  type CreateRunInput,
  type CreateRunResult,
  type FinishRunInput,
  type ListRunsQuery,
  type RunStore,
  validateListRunsFilters,
  validateSummarizeRunsQuery,
} from "@neonhub/core";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";
import { toAgentRun, toJsonText, toToolExecution, type ToolExecutionRow } from "./run-records.js";
import { finishOpenRun, finishRuns, insertRun, insertRuns, validateCreate, validateFinish } from "./run-writes.js";
import { summarizeRunsOnPrisma } from "./summarize-runs.js";
import { createWriteBatcher } from "./write-batcher.js";

// Batches in flight per kind of write; two kinds stay below the default pool of 10 connections.
const MAX_CONCURRENT_BATCHES = 4;
const MAX_BATCH_SIZE = 100;

const ORPHAN_ERROR = { code: "HANDLER_FAILED", message: "The process running this run stopped before it finished." };

/** A {@link RunStore} on a Prisma client (PostgreSQL or PGlite); `close` is given by the owner of the connection. */
export function createRunStoreOnPrisma(prisma: PrismaClient, close: () => Promise<void>): RunStore {
  // Concurrent creates and finishes share statements (group commit); each caller still waits for its commit.
  const createRun = createWriteBatcher<CreateRunInput, CreateRunResult>({
    maxBatchSize: MAX_BATCH_SIZE,
    maxConcurrentBatches: MAX_CONCURRENT_BATCHES,
    canJoin: (batch, item) => !batch.some((other) => other.id === item.id),
    writeBatch: (items) => insertRuns(prisma, items),
    writeOne: (item) => insertRun(prisma, item),
  });
  const finishRun = createWriteBatcher<FinishRunInput, AgentRun>({
    maxBatchSize: MAX_BATCH_SIZE,
    maxConcurrentBatches: MAX_CONCURRENT_BATCHES,
    canJoin: (batch, item) => !batch.some((other) => other.runId === item.runId),
    writeBatch: (items) => finishRuns(prisma, items),
    writeOne: (item) => finishOpenRun(prisma, item),
  });

  return {
    specificationVersion: "v1",

    createRun: async (input) => {
      validateCreate(input);
      return guarded("create the run", () => createRun(input));
    },

    startRun: (input) =>
      guarded("start the run", async () => {
        const [row] = await prisma.agentRun.updateManyAndReturn({
          where: { id: input.runId, organizationId: input.organizationId, status: "QUEUED" },
          data: { status: "RUNNING", startedAt: input.startedAt, traceId: input.traceId, attempts: 1 },
        });
        return row ? toAgentRun(row) : null;
      }),

    recordAttempt: (organizationId, runId, attempts) =>
      guarded("record the attempt", async () => {
        await prisma.agentRun.updateMany({ where: { id: runId, organizationId, attempts: { lt: attempts } }, data: { attempts } });
      }),

    finishRun: async (input) => {
      validateFinish(input);
      return guarded("finish the run", () => finishRun(input));
    },

    getRun: (organizationId, runId) =>
      guarded("read the run", async () => {
        const row = await prisma.agentRun.findFirst({ where: { id: runId, organizationId } });
        return row ? toAgentRun(row) : null;
      }),

    findRunByIdempotencyKey: (organizationId, idempotencyKey) =>
      guarded("look up the idempotency key", async () => {
        const row = await prisma.agentRun.findUnique({ where: { organizationId_idempotencyKey: { organizationId, idempotencyKey } } });
        return row ? toAgentRun(row) : null;
      }),

    listRuns: (query) => {
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 500) {
        return Promise.reject(new ValidationError("limit must be an integer from 1 to 500.", [{ path: "limit", message: "Must be from 1 to 500" }]));
      }
      let where: Prisma.AgentRunWhereInput;
      try {
        validateListRunsFilters(query);
        where = listWhere(query);
      } catch (error) {
        return Promise.reject(error);
      }
      return guarded("list runs", async () => {
        const rows = await prisma.agentRun.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: query.limit + 1 });
        const page = rows.slice(0, query.limit).map(toAgentRun);
        const last = page[page.length - 1];
        return { runs: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
      });
    },

    summarizeRuns: (query) => {
      try {
        validateSummarizeRunsQuery(query);
      } catch (error) {
        return Promise.reject(error);
      }
      return guarded("summarize runs", () => summarizeRunsOnPrisma(prisma, query));
    },

    startToolExecution: (input) =>
      guarded("record the tool execution", async () => {
        // Inserted only when the run exists in the organization, in one statement.
        const rows = await prisma.$queryRaw<ToolExecutionRow[]>`
          INSERT INTO "ToolExecution" ("id", "runId", "organizationId", "connector", "action", "status", "input", "attempt", "startedAt")
          SELECT ${input.id}, "id", "organizationId", ${input.connector}, ${input.action}, 'RUNNING', ${toJsonText(input.input)}::jsonb,
            ${input.attempt}, ${input.startedAt}::timestamptz
          FROM "AgentRun" WHERE "id" = ${input.runId} AND "organizationId" = ${input.organizationId}
          RETURNING "id", "runId", "connector", "action", "status"::text AS "status", "input", "output", "error", "attempt",
            "startedAt", "completedAt", "durationMs"`;
        const row = rows[0];
        if (!row) throw new RunNotFoundError(input.runId);
        return toToolExecution(row);
      }),

    finishToolExecution: (input) =>
      guarded("finish the tool execution", async () => {
        const [row] = await prisma.toolExecution.updateManyAndReturn({
          where: { id: input.id, organizationId: input.organizationId },
          data: {
            status: input.status,
            output: input.output === null || input.output === undefined ? Prisma.JsonNull : (input.output as Prisma.InputJsonValue),
            error: input.error === null ? Prisma.JsonNull : { code: input.error.code, message: input.error.message },
            completedAt: input.completedAt,
            durationMs: Math.round(input.durationMs),
          },
        });
        if (!row) throw new RunNotFoundError(input.id, { details: { entity: "toolExecution" } });
        return toToolExecution(row);
      }),

    listToolExecutions: (organizationId, runId) =>
      guarded("list tool executions", async () => {
        const rows = await prisma.toolExecution.findMany({ where: { runId, organizationId }, orderBy: [{ startedAt: "asc" }, { sequence: "asc" }] });
        return rows.map(toToolExecution);
      }),

    listRunMetrics: (organizationId, runId) =>
      guarded("list run metrics", async () => {
        const rows = await prisma.agentRunMetric.findMany({ where: { runId, run: { organizationId } }, orderBy: { id: "asc" } });
        return rows.map((row) => ({ name: row.name, value: row.value, unit: row.unit }));
      }),

    recoverOrphanedRuns: (input) =>
      guarded("recover orphaned runs", async () => {
        const rows = await prisma.$queryRaw<{ id: string }[]>`
          UPDATE "AgentRun" SET "status" = 'FAILED', "statusReason" = ${input.statusReason}, "error" = ${JSON.stringify(ORPHAN_ERROR)}::jsonb,
            "completedAt" = ${input.completedAt}::timestamptz,
            "durationMs" = GREATEST(0, ROUND(EXTRACT(EPOCH FROM (${input.completedAt}::timestamptz - "startedAt")) * 1000))::integer
          WHERE "status" = 'RUNNING' AND "startedAt" < ${input.startedBefore}::timestamptz
          RETURNING "id"`;
        return rows.map((row) => row.id);
      }),

    checkHealth: async () => {
      try {
        await prisma.$queryRaw`SELECT 1`;
      } catch (error) {
        throw new StoreUnavailableError("The run store failed its health check: the database did not answer.", { cause: error });
      }
    },

    close,
  };
}

function listWhere(query: ListRunsQuery): Prisma.AgentRunWhereInput {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  return {
    organizationId: query.organizationId,
    ...(query.agentName === undefined ? {} : { agentName: query.agentName }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.userId === undefined ? {} : { userId: query.userId }),
    ...(query.intentContains === undefined ? {} : { intent: { contains: escapeLikePattern(query.intentContains), mode: "insensitive" as const } }),
    createdAt: { ...(query.createdAfter ? { gte: query.createdAfter } : {}), ...(query.createdBefore ? { lt: query.createdBefore } : {}) },
    ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
  };
}

// `contains` becomes ILIKE '%text%': the search text's own wildcards must match literally.
const escapeLikePattern = (text: string): string => text.replace(/[\\%_]/g, (character) => `\\${character}`);
