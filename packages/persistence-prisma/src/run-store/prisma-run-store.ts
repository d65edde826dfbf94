import {
  StoreUnavailableError,
  ValidationError,
  checkDeleteEndedRuns,
  checkQueuedRunsLimit,
  decodeCursor,
  encodeCursor,
  indexedTexts,
  refuseUnreadableTexts,
  refuseUnstorableTexts,
  validateListRunsFilters,
  validateSummarizeAgentPeriodQuery,
  validateSummarizeRunsQuery,
  type AgentRun,
  type CreateRunInput,
  type CreateRunResult,
  type FinishRunInput,
  type ListRunsQuery,
  type RecordStepInput,
  type RunStore,
} from "@neonhub/core";
import type { Prisma} from "../generated/prisma/client.js";
import { type PrismaClient } from "../generated/prisma/client.js";
import type { PreparedStatements } from "../database/prepared-statements.js";
import { guarded } from "../errors/guarded.js";
import { claimRuns, recordStep, recordSteps, renewLeases, suspendRun } from "./journal-writes.js";
import { recordSignalTimeout, sendSignal } from "./signal-writes.js";
import { toAgentRun, toJournalStep, toRunSignal, toToolExecution } from "./run-records.js";
import { finishOpenRun, finishRuns, insertRun, insertRuns, startQueuedRun, validateCreate, validateFinish } from "./run-writes.js";
import { summarizeAgentPeriodOnPrisma } from "./summarize-agent-period.js";
import { summarizeRunsOnPrisma } from "./summarize-runs.js";
import { createWriteBatcher } from "./write-batcher.js";
import { deleteEndedRuns } from "./delete-ended-runs.js";

// Batches in flight per kind of write; the three kinds stay below the default pool of 10 connections.
const MAX_CONCURRENT_BATCHES = 3;
const MAX_BATCH_SIZE = 100;


/** A {@link RunStore} on a Prisma client (PostgreSQL or PGlite); `close` is given by the owner of the connection. */
export function createRunStoreOnPrisma(prisma: PrismaClient, statements: PreparedStatements, close: () => Promise<void>): RunStore {
  // Concurrent creates and finishes share statements (group commit); each caller still waits for its commit.
  const createRun = createWriteBatcher<CreateRunInput, CreateRunResult>({
    maxBatchSize: MAX_BATCH_SIZE,
    maxConcurrentBatches: MAX_CONCURRENT_BATCHES,
    canJoin: (batch, item) => !batch.some((other) => other.id === item.id),
    writeBatch: (items) => insertRuns(prisma, statements, items),
    writeOne: (item) => insertRun(prisma, statements, item),
  });
  const finishRun = createWriteBatcher<FinishRunInput, AgentRun>({
    maxBatchSize: MAX_BATCH_SIZE,
    maxConcurrentBatches: MAX_CONCURRENT_BATCHES,
    canJoin: (batch, item) => !batch.some((other) => other.runId === item.runId),
    writeBatch: (items) => finishRuns(prisma, statements, items),
    writeOne: (item) => finishOpenRun(prisma, statements, item),
  });
  // Steps of different runs share a statement and its commit; a run's own steps follow one another.
  const writeStep = createWriteBatcher<RecordStepInput, undefined>({
    maxBatchSize: MAX_BATCH_SIZE,
    maxConcurrentBatches: MAX_CONCURRENT_BATCHES,
    canJoin: (batch, item) => !batch.some((other) => other.runId === item.runId),
    writeBatch: (items) => recordSteps(prisma, statements, items),
    writeOne: (item) => recordStep(prisma, statements, item).then(() => undefined),
  });

  return {
    specificationVersion: "v2",

    createRun: async (input) => {
      validateCreate(input);
      return guarded("create the run", () => createRun(input));
    },

    startRun: (input) =>
      guarded("start the run", () => {
        const { organizationId, runId, agentVersion, traceId } = input;
        refuseUnstorableTexts("run's start", { organizationId, runId, agentVersion, traceId, "lease.owner": input.lease.owner });
        return startQueuedRun(statements, input);
      }),

    recordAttempt: (organizationId, runId, attempts) =>
      guarded("record the attempt", async () => {
        refuseUnstorableTexts("attempt", { organizationId, runId });
        await prisma.agentRun.updateMany({ where: { id: runId, organizationId, attempts: { lt: attempts } }, data: { attempts } });
      }),

    finishRun: async (input) => {
      validateFinish(input);
      return guarded("finish the run", () => finishRun(input));
    },

    getRun: (organizationId, runId) =>
      guarded("read the run", async () => {
        refuseUnreadableTexts("run", { organizationId, runId });
        const row = await prisma.agentRun.findFirst({ where: { id: runId, organizationId } });
        return row ? toAgentRun(row) : null;
      }),

    findRunByIdempotencyKey: (organizationId, idempotencyKey) =>
      guarded("look up the idempotency key", async () => {
        refuseUnreadableTexts("run", { organizationId, idempotencyKey });
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
        const { organizationId, agentName, userId, parentRunId, intentContains } = query;
        refuseUnreadableTexts("runs", { organizationId, agentName, userId, parentRunId, intentContains });
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
        refuseUnreadableTexts("runs", { organizationId: query.organizationId });
      } catch (error) {
        return Promise.reject(error);
      }
      return guarded("summarize runs", () => summarizeRunsOnPrisma(prisma, query));
    },

    summarizeAgentPeriod: (query) => {
      try {
        validateSummarizeAgentPeriodQuery(query);
        refuseUnreadableTexts("agent's runs", { organizationId: query.organizationId, agentName: query.agentName });
      } catch (error) {
        return Promise.reject(error);
      }
      return guarded("summarize the agent's period", () => summarizeAgentPeriodOnPrisma(prisma, query));
    },

    listToolExecutions: (organizationId, runId) =>
      guarded("list tool executions", async () => {
        refuseUnreadableTexts("run's tool executions", { organizationId, runId });
        const rows = await prisma.toolExecution.findMany({ where: { runId, organizationId }, orderBy: [{ startedAt: "asc" }, { sequence: "asc" }] });
        return rows.map(toToolExecution);
      }),

    listRunMetrics: (organizationId, runId) =>
      guarded("list run metrics", async () => {
        refuseUnreadableTexts("run's metrics", { organizationId, runId });
        const rows = await prisma.agentRunMetric.findMany({ where: { runId, run: { organizationId } }, orderBy: { id: "asc" } });
        return rows.map((row) => ({ name: row.name, value: row.value, unit: row.unit }));
      }),

    listSteps: (organizationId, runId) =>
      guarded("read the run's journal", async () => {
        refuseUnreadableTexts("run's journal", { organizationId, runId });
        const rows = await prisma.runStep.findMany({ where: { runId, run: { organizationId } }, orderBy: { position: "asc" } });
        return rows.map(toJournalStep);
      }),

    recordStep: (input) => {
      const { timedOutSignal } = input;
      // A timeout is checked against the signals under the run's lock, in a transaction of its own.
      if (timedOutSignal !== undefined) {
        return guarded("write the run's journal", () => {
          refuseUnstorableTexts("journal step", { timedOutSignal });
          return recordSignalTimeout(prisma, statements, { ...input, timedOutSignal });
        });
      }
      return guarded("write the run's journal", () => writeStep(input));
    },

    renewLeases: (input) =>
      guarded("renew run leases", () => {
        refuseUnstorableTexts("lease renewal", { owner: input.owner, ...indexedTexts("runs.runId", input.runs.map((run) => run.runId)) });
        return renewLeases(prisma, input);
      }),

    claimRuns: (input) =>
      guarded("claim runs to resume", () => {
        refuseUnstorableTexts("claim", { owner: input.owner, ...indexedTexts("agentNames", input.agentNames) });
        return claimRuns(prisma, input);
      }),

    suspendRun: (input) =>
      guarded("park the waiting run", () => {
        refuseUnstorableTexts("wait", { organizationId: input.organizationId, runId: input.runId, ...indexedTexts("signalNames", input.signalNames) });
        return suspendRun(prisma, input);
      }),

    sendSignal: (input) => guarded("send the signal", () => sendSignal(prisma, input)),

    getSignal: (organizationId, runId, name) =>
      guarded("read the signal", async () => {
        refuseUnreadableTexts("signal", { organizationId, runId, name });
        const row = await prisma.runSignal.findFirst({ where: { runId, name, run: { organizationId } } });
        return row ? toRunSignal(row) : null;
      }),

    listQueuedRuns: async (input) => {
      const limit = checkQueuedRunsLimit(input.limit);
      refuseUnreadableTexts("queued runs", { "after.runId": input.after?.runId });
      return guarded("list queued runs", async () => {
        const rows = await prisma.agentRun.findMany({
          where: {
            status: "QUEUED",
            // As in listRuns, the page's start bounds the index range; the OR alone read every queued run before it.
            createdAt: { lt: input.createdBefore, ...(input.after ? { gte: input.after.createdAt } : {}) },
            ...(input.after ? { OR: [{ createdAt: { gt: input.after.createdAt } }, { createdAt: input.after.createdAt, id: { gt: input.after.runId } }] } : {}),
          },
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          take: limit,
          select: { organizationId: true, id: true, agentName: true, createdAt: true },
        });
        return rows.map((row) => ({ organizationId: row.organizationId, runId: row.id, agentName: row.agentName, createdAt: row.createdAt }));
      });
    },

    deleteEndedRuns: async (input) => {
      const { createdBefore, limit } = checkDeleteEndedRuns(input);
      return guarded("delete ended runs", () => deleteEndedRuns(prisma, createdBefore, limit));
    },

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
    ...(query.parentRunId === undefined ? {} : { parentRunId: query.parentRunId }),
    ...(query.intentContains === undefined ? {} : { intent: { contains: escapeLikePattern(query.intentContains), mode: "insensitive" as const } }),
    // The cursor's own bound on createdAt lets the index start at the cursor: the OR alone is a filter, which read
    // every run newer than the cursor (20,000 of them, 180 ms, twenty thousand runs deep; see docs/database.md).
    createdAt: {
      ...(query.createdAfter ? { gte: query.createdAfter } : {}),
      ...(query.createdBefore ? { lt: query.createdBefore } : {}),
      ...(cursor ? { lte: cursor.createdAt } : {}),
    },
    ...(cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}),
  };
}

// `contains` becomes ILIKE '%text%': the search text's own wildcards must match literally.
const escapeLikePattern = (text: string): string => text.replace(/[\\%_]/g, (character) => `\\${character}`);
