import {
  LeaseLostError,
  RunNotFoundError,
  type AgentRun,
  type ClaimRunsInput,
  type ClaimedRun,
  type RecordStepInput,
  type RenewLeasesInput,
  type SuspendRunInput,
} from "@neonhub/core";
import type { PreparedStatements } from "../database/prepared-statements.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { toAgentRun, toJsonText, type AgentRunRow } from "./run-records.js";
import { RUN_COLUMNS, runColumns, runColumnsText } from "./run-writes.js";
import { listedRunsSql, oneRunSql, requestedRunsSql, updateFoundRunsSql } from "./runs-by-key.js";

/** Why a fenced write changed nothing: the run is unknown in the organization, or not held under this fence. */
export async function refusal(prisma: PrismaClient, organizationId: string, runId: string): Promise<Error> {
  const row = await prisma.agentRun.findFirst({ where: { id: runId, organizationId }, select: { id: true } });
  return row ? new LeaseLostError(runId) : new RunNotFoundError(runId);
}

/** Writes journal steps and their tool executions, one row of `$1` (a JSON array) per step. */
export const RECORD_STEPS_SQL = `
  WITH "request" AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS "request"("organizationId" text, "runId" text, "fence" integer,
      "position" integer, "key" text, "kind" text, "status" text, "output" jsonb, "error" jsonb, "attempts" integer, "startedAt" timestamptz,
      "completedAt" timestamptz, "wakeAt" timestamptz, "toolId" text, "toolConnector" text, "toolAction" text, "toolStatus" text,
      "toolInput" jsonb, "toolOutput" jsonb, "toolError" jsonb, "toolAttempt" integer, "toolStartedAt" timestamptz, "toolCompletedAt" timestamptz,
      "toolDurationMs" integer, "toolStepKey" text)
  ), "run" AS MATERIALIZED (${requestedRunsSql("SHARE", `"current"."status" = 'RUNNING' AND "current"."fence" = "request"."fence"`)}
  ), "step" AS (
    INSERT INTO "RunStep" ("runId", "position", "key", "kind", "status", "output", "error", "attempts", "startedAt", "completedAt", "wakeAt")
    SELECT "runId", "position", "key", "kind"::"StepKind", "status"::"StepStatus", COALESCE("output", 'null'::jsonb), "error", "attempts",
      "startedAt", "completedAt", "wakeAt"
    FROM "run"
    ON CONFLICT ("runId", "position") DO UPDATE SET "key" = EXCLUDED."key", "kind" = EXCLUDED."kind", "status" = EXCLUDED."status",
      "output" = EXCLUDED."output", "error" = EXCLUDED."error", "attempts" = EXCLUDED."attempts", "startedAt" = EXCLUDED."startedAt",
      "completedAt" = EXCLUDED."completedAt", "wakeAt" = EXCLUDED."wakeAt"
    RETURNING "runId"
  ), "tool" AS (
    INSERT INTO "ToolExecution" ("id", "runId", "organizationId", "connector", "action", "status", "input", "output", "error", "attempt",
      "startedAt", "completedAt", "durationMs", "stepKey")
    SELECT "toolId", "runId", "organizationId", "toolConnector", "toolAction", "toolStatus"::"ToolExecutionStatus", COALESCE("toolInput", 'null'::jsonb),
      "toolOutput", "toolError", "toolAttempt", "toolStartedAt", "toolCompletedAt", "toolDurationMs", "toolStepKey"
    FROM "run" WHERE "toolId" IS NOT NULL
    ON CONFLICT ("id") DO UPDATE SET "status" = EXCLUDED."status", "output" = EXCLUDED."output", "error" = EXCLUDED."error",
      "completedAt" = EXCLUDED."completedAt", "durationMs" = EXCLUDED."durationMs"
    WHERE "ToolExecution"."runId" = EXCLUDED."runId"
  )
  SELECT "runId" FROM "step"`;

/**
 * Writes a journal step and its tool execution in one statement (see {@link recordSteps}).
 * @throws LeaseLostError when the run is not held under the input's fence; RunNotFoundError when it is unknown.
 */
export async function recordStep(prisma: PrismaClient, statements: PreparedStatements, input: RecordStepInput): Promise<void> {
  const [refused] = await recordSteps(prisma, statements, [input]);
  if (refused) throw refused;
}

/**
 * Writes the journal steps of several runs (run ids must differ) and their tool executions in one statement; each
 * item's result is in the order of `inputs`: nothing, or the error of a step refused (a run not held under its
 * fence, or unknown). Each run's row is read `FOR SHARE` with its fence: a takeover (which updates the row) waits
 * for the write to commit, and a write after a takeover finds no row.
 */
export async function recordSteps(prisma: PrismaClient, statements: PreparedStatements, inputs: RecordStepInput[]): Promise<Array<undefined | Error>> {
  const written = await statements.query<{ runId: string }>("neonhub_record_steps", RECORD_STEPS_SQL, [stepRecordRows(inputs)]);
  const stored = new Set(written.map((row) => row.runId));
  return Promise.all(inputs.map((input) => (stored.has(input.runId) ? undefined : refusal(prisma, input.organizationId, input.runId))));
}

/** The `$1` of {@link RECORD_STEPS_SQL}: one row per step, as JSON text. */
export function stepRecordRows(inputs: RecordStepInput[]): string {
  const rows = inputs.map(({ organizationId, runId, fence, step, toolExecution: tool }) => ({
    organizationId,
    runId,
    fence,
    position: step.position,
    key: step.key,
    kind: step.kind,
    status: step.status,
    output: step.output ?? null,
    error: step.error === null ? null : { code: step.error.code, message: step.error.message },
    attempts: step.attempts,
    startedAt: step.startedAt,
    completedAt: step.completedAt,
    wakeAt: step.wakeAt,
    toolId: tool?.id ?? null,
    toolConnector: tool?.connector ?? null,
    toolAction: tool?.action ?? null,
    toolStatus: tool?.status ?? null,
    toolInput: tool?.input ?? null,
    toolOutput: tool?.output ?? null,
    toolError: tool?.error ? { code: tool.error.code, message: tool.error.message } : null,
    toolAttempt: tool?.attempt ?? 0,
    toolStartedAt: tool?.startedAt ?? null,
    toolCompletedAt: tool?.completedAt ?? null,
    toolDurationMs: tool?.durationMs === null || tool?.durationMs === undefined ? null : Math.round(tool.durationMs),
    toolStepKey: tool?.stepKey ?? null,
  }));
  return toJsonText(rows);
}

/**
 * Extends until `$3` the leases that owner `$2` still holds among runs `$1`, each under its fence in `$4`; with `$5`,
 * gives them up (the owner cleared, so that the next claim counts no takeover).
 */
export const RENEW_LEASES_SQL = updateFoundRunsSql(
  listedRunsSql(
    `unnest($1::text[], $4::integer[]) AS "request"("runId", "fence")`,
    "UPDATE",
    `"current"."leaseOwner" = $2 AND "current"."status" = 'RUNNING' AND "current"."fence" = "request"."fence"`,
  ),
  `"leaseExpiresAt" = $3::timestamptz, "leaseOwner" = CASE WHEN $5::boolean THEN NULL ELSE "run"."leaseOwner" END`,
  `"run"."id"`,
);

/** Extends the leases the owner still holds. */
export async function renewLeases(prisma: PrismaClient, input: RenewLeasesInput): Promise<string[]> {
  if (input.runs.length === 0) return [];
  const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(
    RENEW_LEASES_SQL,
    input.runs.map((run) => run.runId),
    input.owner,
    input.expiresAt,
    input.runs.map((run) => run.fence),
    input.giveUp === true,
  );
  return rows.map((row) => row.id);
}

/**
 * Takes over lapsed and due runs. `FOR UPDATE SKIP LOCKED` lets executors sweeping at once take different runs, and
 * the re-check of the row under its lock means a run another executor just took is not taken twice. `RETURNING` sees
 * only the updated row, so whether the claim takes the run over is read by the locking subquery, from the run as the
 * claim found it, and both raises `takeovers` and is returned as `takenOver`: one statement, no second read.
 */
export async function claimRuns(prisma: PrismaClient, input: ClaimRunsInput): Promise<ClaimedRun[]> {
  if (input.agentNames.length === 0 || input.limit < 1) return [];
  const rows = await prisma.$queryRaw<Array<AgentRunRow & { takenOver: boolean }>>`
    UPDATE "AgentRun" AS "run" SET "status" = 'RUNNING', "leaseOwner" = ${input.owner}, "leaseExpiresAt" = ${input.leaseExpiresAt}::timestamptz,
      "fence" = "run"."fence" + 1, "wakeAt" = NULL,
      "takeovers" = "run"."takeovers" + CASE WHEN "found"."takenOver" THEN 1 ELSE 0 END
    FROM (
      SELECT "id", "status" = 'RUNNING' AND "leaseOwner" IS NOT NULL AS "takenOver" FROM "AgentRun"
      WHERE "agentName" = ANY(${[...input.agentNames]}::text[])
        AND (("status" = 'RUNNING' AND COALESCE("leaseExpiresAt", "startedAt") < ${input.now}::timestamptz)
          OR ("status" = 'WAITING' AND "wakeAt" <= ${input.now}::timestamptz))
      ORDER BY COALESCE("wakeAt", "leaseExpiresAt", "startedAt")
      LIMIT ${input.limit}
      FOR UPDATE SKIP LOCKED
    ) AS "found"
    WHERE "run"."id" = "found"."id"
    AND (("run"."status" = 'RUNNING' AND COALESCE("run"."leaseExpiresAt", "run"."startedAt") < ${input.now}::timestamptz)
      OR ("run"."status" = 'WAITING' AND "run"."wakeAt" <= ${input.now}::timestamptz))
    RETURNING ${runColumns("run")}, "found"."takenOver"`;
  return rows.map((row) => Object.assign(toAgentRun(row), { takenOver: row.takenOver }));
}

/** Parks run `$1` of organization `$2`, held under fence `$3`, as waiting until `$4` (null: until a signal). */
export const PARK_RUN_SQL = updateFoundRunsSql(
  oneRunSql("UPDATE", `"current"."status" = 'RUNNING' AND "current"."fence" = $3`),
  `"status" = 'WAITING', "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "wakeAt" = $4::timestamptz`,
  runColumnsText("run"),
);

/**
 * Parks a run as waiting. Two statements in one transaction: the second reads signals committed after the first
 * took the run's row lock, so a signal sent while the run was parking is never missed (see `sendSignal`).
 */
export async function suspendRun(prisma: PrismaClient, input: SuspendRunInput): Promise<AgentRun> {
  const row = await prisma.$transaction(async (transaction) => {
    const [parked] = await transaction.$queryRawUnsafe<AgentRunRow[]>(PARK_RUN_SQL, input.runId, input.organizationId, input.fence, input.wakeAt);
    if (!parked || input.signalNames.length === 0) return parked;
    const [woken] = await transaction.$queryRaw<AgentRunRow[]>`
      UPDATE "AgentRun" SET "wakeAt" = ${input.now}::timestamptz
      WHERE "id" = ${input.runId} AND EXISTS (SELECT 1 FROM "RunSignal" WHERE "runId" = ${input.runId} AND "name" = ANY(${[...input.signalNames]}::text[]))
      RETURNING ${RUN_COLUMNS}`;
    return woken ?? parked;
  });
  if (!row) throw await refusal(prisma, input.organizationId, input.runId);
  return toAgentRun(row);
}
