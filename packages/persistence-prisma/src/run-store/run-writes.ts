import { AlreadyExistsError, LeaseLostError, RunNotFoundError, ValidationError, checkReportedMetric, isFinalRunStatus, type CreateRunInput, type CreateRunResult, type FinishRunInput, type AgentRun, type StartRunInput } from "@neonhub/core";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { PreparedStatements } from "../database/prepared-statements.js";
import { toAgentRun, toJsonText, type AgentRunRow } from "./run-records.js";
import { listedRunsSql, oneRunSql, requestedRunsSql, updateFoundRunsSql } from "./runs-by-key.js";

const COLUMN_NAMES = ["id", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "statusReason", "input", "output", "error",
  "idempotencyKey", "requestHash", "attempts", "createdAt", "startedAt", "completedAt", "durationMs", "traceId", "parentRunId", "timeoutMs", "fence",
  "takeovers", "leaseOwner", "leaseExpiresAt", "wakeAt"];

/** The columns of a run as the port returns it, optionally qualified by a table alias, as SQL text. */
export function runColumnsText(alias?: string): string {
  const prefix = alias ? `"${alias}".` : "";
  return COLUMN_NAMES.map((name) => (name === "status" ? `${prefix}"status"::text AS "status"` : `${prefix}"${name}"`)).join(", ");
}

/** The columns of a run as the port returns it, optionally qualified by a table alias. */
export function runColumns(alias?: string): Prisma.Sql {
  return Prisma.raw(runColumnsText(alias));
}
export const RUN_COLUMNS = runColumns();

/** The largest `timeoutMs` its `integer` column holds. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** What a tool execution left `RUNNING` gets when its run ends. */
const INTERRUPTED = JSON.stringify({ code: "STEP_OUTCOME_UNKNOWN", message: "The run ended while this call was in flight." });

async function findRun(prisma: PrismaClient, organizationId: string, runId: string): Promise<AgentRun | null> {
  const row = await prisma.agentRun.findFirst({ where: { id: runId, organizationId } });
  return row ? toAgentRun(row) : null;
}

/** Inserts the runs of `$1` (a JSON array), skipping those whose id or idempotency key is taken. */
const INSERT_RUNS_SQL = `
  INSERT INTO "AgentRun" ("id", "agentId", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "input",
    "idempotencyKey", "requestHash", "attempts", "createdAt", "startedAt", "traceId", "parentRunId", "timeoutMs", "fence", "leaseOwner",
    "leaseExpiresAt")
  SELECT "run"."id", "agent"."id", "run"."agentName", "run"."agentVersion", "run"."organizationId", "run"."userId", "run"."intent",
    "run"."status"::"RunStatus", COALESCE("run"."input", 'null'::jsonb), "run"."idempotencyKey", "run"."requestHash", "run"."attempts",
    "run"."createdAt", "run"."startedAt", "run"."traceId", "run"."parentRunId", "run"."timeoutMs", "run"."fence", "run"."leaseOwner", "run"."leaseExpiresAt"
  FROM jsonb_to_recordset($1::jsonb) AS "run"("id" text, "agentName" text, "agentVersion" text, "organizationId" text,
    "userId" text, "intent" text, "status" text, "input" jsonb, "idempotencyKey" text, "requestHash" text, "attempts" integer,
    "createdAt" timestamptz, "startedAt" timestamptz, "traceId" text, "parentRunId" text, "timeoutMs" integer, "fence" integer,
    "leaseOwner" text, "leaseExpiresAt" timestamptz)
  LEFT JOIN "Agent" AS "agent" ON "agent"."name" = "run"."agentName"
  ON CONFLICT DO NOTHING
  RETURNING ${runColumnsText()}`;

/** Locks the runs of `$1` (a text array of ids) for a finish, in the order of their ids (see `runs-by-key.ts`). */
export const LOCK_RUNS_SQL = listedRunsSql(`unnest($1::text[]) AS "request"("runId")`, "UPDATE", "TRUE");

/**
 * Finishes the runs of `$1` (a JSON array) still open under their fence; `$2` is the error of calls left running.
 * Each run is locked and checked through its primary key first (see `runs-by-key.ts`). Run it after
 * {@link LOCK_RUNS_SQL} in the same transaction: all its parts read the snapshot taken when it starts, and only a
 * snapshot taken once the runs are locked holds the tool executions of a step written while the finish waited.
 */
export const FINISH_RUNS_SQL = `
  WITH "request" AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS "request"("runId" text, "organizationId" text, "status" text,
      "statusReason" text, "output" jsonb, "error" jsonb, "attempts" integer, "completedAt" timestamptz, "durationMs" bigint, "metrics" jsonb,
      "fence" integer)
  ), "open" AS MATERIALIZED (${requestedRunsSql("UPDATE", `"current"."status" IN ('QUEUED', 'RUNNING', 'WAITING') AND ("request"."fence" IS NULL OR "current"."fence" = "request"."fence")`)}
  ), "finished" AS (
    UPDATE "AgentRun" AS "run" SET "status" = "request"."status"::"RunStatus", "statusReason" = "request"."statusReason",
      "output" = COALESCE("request"."output", 'null'::jsonb), "error" = "request"."error", "attempts" = "request"."attempts",
      "completedAt" = "request"."completedAt", "durationMs" = "request"."durationMs", "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "wakeAt" = NULL
    FROM "open" AS "request"
    WHERE "run"."id" = "request"."runId"
    RETURNING ${runColumnsText("run")}, "request"."metrics" AS "reportedMetrics", "request"."completedAt" AS "finishedAt"
  ), "closed" AS (
    UPDATE "ToolExecution" AS "tool" SET "status" = 'FAILED', "error" = $2::jsonb, "completedAt" = "finished"."finishedAt"
    FROM "finished" WHERE "tool"."runId" = "finished"."id" AND "tool"."status" = 'RUNNING'
  ), "written" AS (
    INSERT INTO "AgentRunMetric" ("runId", "name", "value", "unit")
    SELECT "finished"."id", "metric"."name", "metric"."value", "metric"."unit"
    FROM "finished", ROWS FROM (jsonb_to_recordset("finished"."reportedMetrics") AS ("name" text, "value" double precision, "unit" text))
      WITH ORDINALITY AS "metric"("name", "value", "unit", "position")
    ORDER BY "finished"."id", "metric"."position"
  )
  SELECT ${runColumnsText()} FROM "finished"`;

/** Starts a queued run under its first lease: `$1` id, `$2` organization, `$3` start, `$4` trace, `$5` owner, `$6` expiry. */
export const START_RUN_SQL = updateFoundRunsSql(
  oneRunSql("UPDATE", `"current"."status" = 'QUEUED'`),
  `"status" = 'RUNNING', "startedAt" = $3::timestamptz, "traceId" = $4, "attempts" = 1, "fence" = "run"."fence" + 1,
    "leaseOwner" = $5, "leaseExpiresAt" = $6::timestamptz, "agentVersion" = $7`,
  runColumnsText("run"),
);

/** Starts a run that is still `QUEUED`; null when it is not (another executor started it, or it ended). */
export async function startQueuedRun(statements: PreparedStatements, input: StartRunInput): Promise<AgentRun | null> {
  const [row] = await statements.query<AgentRunRow>("neonhub_start_run", START_RUN_SQL, [
    input.runId,
    input.organizationId,
    input.startedAt,
    input.traceId,
    input.lease.owner,
    input.lease.expiresAt,
    input.agentVersion,
  ]);
  return row ? toAgentRun(row) : null;
}

/**
 * Inserts the run, or finds the one already stored under its idempotency key (or its id, when a create is
 * retried after a lost reply). The unique index decides races: `ON CONFLICT DO NOTHING`, never check-then-insert.
 */
export async function insertRun(prisma: PrismaClient, statements: PreparedStatements, input: CreateRunInput): Promise<CreateRunResult> {
  const [result] = await insertRuns(prisma, statements, [input]);
  if (result instanceof Error) throw result;
  return result!;
}

/** The run a create did not insert: the one under its idempotency key, or the one with its id. */
async function findExistingForCreate(prisma: PrismaClient, input: CreateRunInput): Promise<CreateRunResult> {
  if (input.idempotencyKey !== null) {
    const byKey = await prisma.agentRun.findUnique({
      where: { organizationId_idempotencyKey: { organizationId: input.organizationId, idempotencyKey: input.idempotencyKey } },
    });
    if (byKey) return { created: false, run: toAgentRun(byKey) };
  }
  const byId = await findRun(prisma, input.organizationId, input.id);
  if (byId) return { created: false, run: byId };
  throw new AlreadyExistsError("run", ["id"]);
}

/**
 * Finishes an open run, closes its tool executions left `RUNNING` and writes its metrics in one transaction (so all
 * or none are stored). A run that is already final is returned unchanged: the first finish wins.
 */
export async function finishOpenRun(prisma: PrismaClient, statements: PreparedStatements, input: FinishRunInput): Promise<AgentRun> {
  const [result] = await finishRuns(prisma, statements, [input]);
  if (result instanceof Error) throw result;
  return result!;
}

/** The run a finish did not change: already final (the first finish won), held under another fence, or unknown. */
async function findUnfinished(prisma: PrismaClient, input: FinishRunInput): Promise<AgentRun> {
  const existing = await findRun(prisma, input.organizationId, input.runId);
  if (!existing) throw new RunNotFoundError(input.runId);
  if (!isFinalRunStatus(existing.status)) throw new LeaseLostError(input.runId);
  return existing;
}

/** Checks a new run before anything is written. */
export function validateCreate(input: CreateRunInput): void {
  const problems: { path: string; message: string }[] = [];
  for (const field of ["id", "agentName", "agentVersion", "organizationId", "userId"] as const) {
    if (typeof input[field] !== "string" || input[field] === "") problems.push({ path: field, message: "Must be a non-empty string" });
  }
  if (input.status !== "QUEUED" && input.status !== "RUNNING") problems.push({ path: "status", message: "Must be QUEUED or RUNNING" });
  if (!(input.createdAt instanceof Date) || Number.isNaN(input.createdAt.getTime())) problems.push({ path: "createdAt", message: "Must be a valid date" });
  if (input.timeoutMs != null && (!Number.isInteger(input.timeoutMs) || input.timeoutMs < 1 || input.timeoutMs > MAX_TIMEOUT_MS)) {
    problems.push({ path: "timeoutMs", message: `Must be an integer from 1 to ${MAX_TIMEOUT_MS}` });
  }
  if (problems.length > 0) throw new ValidationError(`The run to create is invalid: ${problems.map((problem) => problem.path).join(", ")}.`, problems);
}

/** Checks the metrics of a finish before anything is written. */
export function validateFinish(input: FinishRunInput): void {
  for (const metric of input.metrics) checkReportedMetric(metric.name, metric.value, metric.unit);
}

/** {@link insertRun} for several runs in one statement (ids must differ); results are in the order of `inputs`. */
export async function insertRuns(prisma: PrismaClient, statements: PreparedStatements, inputs: CreateRunInput[]): Promise<Array<CreateRunResult | Error>> {
  const rows = inputs.map(({ lease, ...input }) => ({
    ...input,
    attempts: input.status === "RUNNING" ? 1 : 0,
    input: input.input ?? null,
    timeoutMs: input.timeoutMs ?? null,
    fence: lease === null ? 0 : 1,
    leaseOwner: lease?.owner ?? null,
    leaseExpiresAt: lease?.expiresAt ?? null,
  }));
  const inserted = await statements.query<AgentRunRow>("neonhub_insert_runs", INSERT_RUNS_SQL, [toJsonText(rows)]);
  const byId = new Map(inserted.map((row) => [row.id, row]));
  return Promise.all(
    inputs.map(async (input) => {
      const row = byId.get(input.id);
      if (row) return { created: true as const, run: toAgentRun(row) };
      return findExistingForCreate(prisma, input).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    }),
  );
}

/**
 * {@link finishOpenRun} for several runs in one transaction (run ids must differ); results are in the order of
 * `inputs`. The runs are locked by a first statement, so a journal step being written for one of them commits
 * before the second reads which tool executions are still `RUNNING`: a call journaled while the run was being
 * finished is closed too, never left `RUNNING` under a final run.
 */
export async function finishRuns(prisma: PrismaClient, statements: PreparedStatements, inputs: FinishRunInput[]): Promise<Array<AgentRun | Error>> {
  const rows = inputs.map((input) => ({ ...input, durationMs: Math.round(input.durationMs), output: input.output ?? null, fence: input.fence ?? null }));
  const rowsText = toJsonText(rows);
  const finished = await statements.transaction(async (transaction) => {
    await transaction.query("neonhub_lock_runs", LOCK_RUNS_SQL, [inputs.map((input) => input.runId)]);
    return transaction.query<AgentRunRow>("neonhub_finish_runs", FINISH_RUNS_SQL, [rowsText, INTERRUPTED]);
  });
  const byId = new Map(finished.map((row) => [row.id, row]));
  return Promise.all(
    inputs.map(async (input) => {
      const row = byId.get(input.runId);
      if (row) return toAgentRun(row);
      return findUnfinished(prisma, input).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    }),
  );
}
