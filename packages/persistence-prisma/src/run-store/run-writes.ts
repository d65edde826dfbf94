import { LeaseLostError, RunNotFoundError, ValidationError, isFinalRunStatus, type CreateRunInput, type CreateRunResult, type FinishRunInput, type AgentRun } from "@neonhub/core";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { toAgentRun, toJsonText, type AgentRunRow } from "./run-records.js";

const COLUMN_NAMES = ["id", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "statusReason", "input", "output", "error",
  "idempotencyKey", "requestHash", "attempts", "createdAt", "startedAt", "completedAt", "durationMs", "traceId", "parentRunId", "fence", "leaseOwner",
  "leaseExpiresAt", "wakeAt"];

/** The columns of a run as the port returns it, optionally qualified by a table alias. */
export function runColumns(alias?: string): Prisma.Sql {
  const prefix = alias ? `"${alias}".` : "";
  return Prisma.raw(COLUMN_NAMES.map((name) => (name === "status" ? `${prefix}"status"::text AS "status"` : `${prefix}"${name}"`)).join(", "));
}
export const RUN_COLUMNS = runColumns();

/** What a tool execution left `RUNNING` gets when its run ends. */
const INTERRUPTED = JSON.stringify({ code: "STEP_OUTCOME_UNKNOWN", message: "The run ended while this call was in flight." });

async function findRun(prisma: PrismaClient, organizationId: string, runId: string): Promise<AgentRun | null> {
  const row = await prisma.agentRun.findFirst({ where: { id: runId, organizationId } });
  return row ? toAgentRun(row) : null;
}

/**
 * Inserts the run, or finds the one already stored under its idempotency key (or its id, when a create is
 * retried after a lost reply). The unique index decides races: `ON CONFLICT DO NOTHING`, never check-then-insert.
 */
export async function insertRun(prisma: PrismaClient, input: CreateRunInput): Promise<CreateRunResult> {
  const attempts = input.status === "RUNNING" ? 1 : 0;
  const lease = input.lease;
  const inserted = await prisma.$queryRaw<AgentRunRow[]>`
    INSERT INTO "AgentRun" ("id", "agentId", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "input",
      "idempotencyKey", "requestHash", "attempts", "createdAt", "startedAt", "traceId", "parentRunId", "fence", "leaseOwner", "leaseExpiresAt")
    VALUES (${input.id}, (SELECT "id" FROM "Agent" WHERE "name" = ${input.agentName}), ${input.agentName}, ${input.agentVersion},
      ${input.organizationId}, ${input.userId}, ${input.intent}, ${input.status}::"RunStatus", ${toJsonText(input.input)}::jsonb,
      ${input.idempotencyKey}, ${input.requestHash}, ${attempts}, ${input.createdAt}::timestamptz, ${input.startedAt}::timestamptz,
      ${input.traceId}, ${input.parentRunId}, ${lease === null ? 0 : 1}, ${lease?.owner ?? null}, ${lease?.expiresAt ?? null}::timestamptz)
    ON CONFLICT DO NOTHING
    RETURNING ${RUN_COLUMNS}`;
  const row = inserted[0];
  if (row) return { created: true, run: toAgentRun(row) };
  return findExistingForCreate(prisma, input);
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
  throw new ValidationError(`A run with id "${input.id}" already exists; run ids must be unique.`, [{ path: "id", message: "Already used" }]);
}

/**
 * Finishes an open run and writes its metrics in one statement (so both or neither are stored). A run that is
 * already final is returned unchanged: the first finish wins.
 */
export async function finishOpenRun(prisma: PrismaClient, input: FinishRunInput): Promise<AgentRun> {
  const finished = await prisma.$queryRaw<AgentRunRow[]>`
    WITH "finished" AS (
      UPDATE "AgentRun" SET "status" = ${input.status}::"RunStatus", "statusReason" = ${input.statusReason},
        "output" = ${toJsonText(input.output)}::jsonb, "error" = ${input.error === null ? null : JSON.stringify(input.error)}::jsonb,
        "attempts" = ${input.attempts}, "completedAt" = ${input.completedAt}::timestamptz, "durationMs" = ${Math.round(input.durationMs)},
        "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "wakeAt" = NULL
      WHERE "id" = ${input.runId} AND "organizationId" = ${input.organizationId} AND "status" IN ('QUEUED', 'RUNNING', 'WAITING')
        AND (${input.fence ?? null}::integer IS NULL OR "fence" = ${input.fence ?? null}::integer)
      RETURNING ${RUN_COLUMNS}
    ), "closed" AS (
      UPDATE "ToolExecution" SET "status" = 'FAILED', "error" = ${INTERRUPTED}::jsonb, "completedAt" = ${input.completedAt}::timestamptz
      WHERE "runId" IN (SELECT "id" FROM "finished") AND "status" = 'RUNNING'
    ), "written" AS (
      INSERT INTO "AgentRunMetric" ("runId", "name", "value", "unit")
      SELECT "finished"."id", "metric"."name", "metric"."value", "metric"."unit"
      FROM "finished", ROWS FROM (jsonb_to_recordset(${JSON.stringify(input.metrics)}::jsonb) AS ("name" text, "value" double precision, "unit" text))
        WITH ORDINALITY AS "metric"("name", "value", "unit", "position")
      ORDER BY "metric"."position"
    )
    SELECT * FROM "finished"`;
  const row = finished[0];
  if (row) return toAgentRun(row);
  return findUnfinished(prisma, input);
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
  if (problems.length > 0) throw new ValidationError(`The run to create is invalid: ${problems.map((problem) => problem.path).join(", ")}.`, problems);
}

/** Checks the metrics of a finish before anything is written. */
export function validateFinish(input: FinishRunInput): void {
  for (const metric of input.metrics) {
    if (!Number.isFinite(metric.value) || typeof metric.name !== "string" || typeof metric.unit !== "string") {
      throw new ValidationError(`Metric "${String(metric.name)}" must have a name, a unit and a finite value.`, [{ path: "metrics", message: "Invalid metric" }]);
    }
  }
}

/** {@link insertRun} for several runs in one statement (ids must differ); results are in the order of `inputs`. */
export async function insertRuns(prisma: PrismaClient, inputs: CreateRunInput[]): Promise<Array<CreateRunResult | Error>> {
  const rows = inputs.map(({ lease, ...input }) => ({
    ...input,
    attempts: input.status === "RUNNING" ? 1 : 0,
    input: input.input ?? null,
    fence: lease === null ? 0 : 1,
    leaseOwner: lease?.owner ?? null,
    leaseExpiresAt: lease?.expiresAt ?? null,
  }));
  const inserted = await prisma.$queryRaw<AgentRunRow[]>`
    INSERT INTO "AgentRun" ("id", "agentId", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "input",
      "idempotencyKey", "requestHash", "attempts", "createdAt", "startedAt", "traceId", "parentRunId", "fence", "leaseOwner", "leaseExpiresAt")
    SELECT "run"."id", "agent"."id", "run"."agentName", "run"."agentVersion", "run"."organizationId", "run"."userId", "run"."intent",
      "run"."status"::"RunStatus", COALESCE("run"."input", 'null'::jsonb), "run"."idempotencyKey", "run"."requestHash", "run"."attempts",
      "run"."createdAt", "run"."startedAt", "run"."traceId", "run"."parentRunId", "run"."fence", "run"."leaseOwner", "run"."leaseExpiresAt"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS "run"("id" text, "agentName" text, "agentVersion" text, "organizationId" text,
      "userId" text, "intent" text, "status" text, "input" jsonb, "idempotencyKey" text, "requestHash" text, "attempts" integer,
      "createdAt" timestamptz, "startedAt" timestamptz, "traceId" text, "parentRunId" text, "fence" integer, "leaseOwner" text,
      "leaseExpiresAt" timestamptz)
    LEFT JOIN "Agent" AS "agent" ON "agent"."name" = "run"."agentName"
    ON CONFLICT DO NOTHING
    RETURNING ${RUN_COLUMNS}`;
  const byId = new Map(inserted.map((row) => [row.id, row]));
  return Promise.all(
    inputs.map(async (input) => {
      const row = byId.get(input.id);
      if (row) return { created: true as const, run: toAgentRun(row) };
      return findExistingForCreate(prisma, input).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    }),
  );
}

/** {@link finishOpenRun} for several runs in one statement (run ids must differ); results are in the order of `inputs`. */
export async function finishRuns(prisma: PrismaClient, inputs: FinishRunInput[]): Promise<Array<AgentRun | Error>> {
  const rows = inputs.map((input) => ({ ...input, durationMs: Math.round(input.durationMs), output: input.output ?? null, fence: input.fence ?? null }));
  const finished = await prisma.$queryRaw<AgentRunRow[]>`
    WITH "request" AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS "request"("runId" text, "organizationId" text, "status" text,
        "statusReason" text, "output" jsonb, "error" jsonb, "attempts" integer, "completedAt" timestamptz, "durationMs" integer, "metrics" jsonb,
        "fence" integer)
    ), "finished" AS (
      UPDATE "AgentRun" AS "run" SET "status" = "request"."status"::"RunStatus", "statusReason" = "request"."statusReason",
        "output" = COALESCE("request"."output", 'null'::jsonb), "error" = "request"."error", "attempts" = "request"."attempts",
        "completedAt" = "request"."completedAt", "durationMs" = "request"."durationMs", "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "wakeAt" = NULL
      FROM "request"
      WHERE "run"."id" = "request"."runId" AND "run"."organizationId" = "request"."organizationId" AND "run"."status" IN ('QUEUED', 'RUNNING', 'WAITING')
        AND ("request"."fence" IS NULL OR "run"."fence" = "request"."fence")
      RETURNING ${runColumns("run")}, "request"."metrics" AS "reportedMetrics", "request"."completedAt" AS "finishedAt"
    ), "closed" AS (
      UPDATE "ToolExecution" AS "tool" SET "status" = 'FAILED', "error" = ${INTERRUPTED}::jsonb, "completedAt" = "finished"."finishedAt"
      FROM "finished" WHERE "tool"."runId" = "finished"."id" AND "tool"."status" = 'RUNNING'
    ), "written" AS (
      INSERT INTO "AgentRunMetric" ("runId", "name", "value", "unit")
      SELECT "finished"."id", "metric"."name", "metric"."value", "metric"."unit"
      FROM "finished", ROWS FROM (jsonb_to_recordset("finished"."reportedMetrics") AS ("name" text, "value" double precision, "unit" text))
        WITH ORDINALITY AS "metric"("name", "value", "unit", "position")
      ORDER BY "finished"."id", "metric"."position"
    )
    SELECT ${RUN_COLUMNS} FROM "finished"`;
  const byId = new Map(finished.map((row) => [row.id, row]));
  return Promise.all(
    inputs.map(async (input) => {
      const row = byId.get(input.runId);
      if (row) return toAgentRun(row);
      return findUnfinished(prisma, input).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    }),
  );
}
