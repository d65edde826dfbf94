import { RunNotFoundError, ValidationError, type CreateRunInput, type CreateRunResult, type FinishRunInput, type AgentRun } from "@neonhub/core";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { toAgentRun, toJsonText, type AgentRunRow } from "./run-records.js";

/** The columns of a run as the port returns it. */
export const RUN_COLUMNS = Prisma.raw(
  `"id", "agentName", "agentVersion", "organizationId", "userId", "intent", "status"::text AS "status", "statusReason", "input", "output", ` +
    `"error", "idempotencyKey", "requestHash", "attempts", "createdAt", "startedAt", "completedAt", "durationMs", "traceId", "parentRunId"`,
);

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
  const inserted = await prisma.$queryRaw<AgentRunRow[]>`
    INSERT INTO "AgentRun" ("id", "agentId", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "input",
      "idempotencyKey", "requestHash", "attempts", "createdAt", "startedAt", "traceId", "parentRunId")
    VALUES (${input.id}, (SELECT "id" FROM "Agent" WHERE "name" = ${input.agentName}), ${input.agentName}, ${input.agentVersion},
      ${input.organizationId}, ${input.userId}, ${input.intent}, ${input.status}::"RunStatus", ${toJsonText(input.input)}::jsonb,
      ${input.idempotencyKey}, ${input.requestHash}, ${attempts}, ${input.createdAt}::timestamptz, ${input.startedAt}::timestamptz,
      ${input.traceId}, ${input.parentRunId})
    ON CONFLICT DO NOTHING
    RETURNING ${RUN_COLUMNS}`;
  const row = inserted[0];
  if (row) return { created: true, run: toAgentRun(row) };

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
  for (const metric of input.metrics) {
    if (!Number.isFinite(metric.value) || typeof metric.name !== "string" || typeof metric.unit !== "string") {
      throw new ValidationError(`Metric "${String(metric.name)}" must have a name, a unit and a finite value.`, [{ path: "metrics", message: "Invalid metric" }]);
    }
  }
  const finished = await prisma.$queryRaw<AgentRunRow[]>`
    WITH "finished" AS (
      UPDATE "AgentRun" SET "status" = ${input.status}::"RunStatus", "statusReason" = ${input.statusReason},
        "output" = ${toJsonText(input.output)}::jsonb, "error" = ${input.error === null ? null : JSON.stringify(input.error)}::jsonb,
        "attempts" = ${input.attempts}, "completedAt" = ${input.completedAt}::timestamptz, "durationMs" = ${Math.round(input.durationMs)}
      WHERE "id" = ${input.runId} AND "organizationId" = ${input.organizationId} AND "status" IN ('QUEUED', 'RUNNING')
      RETURNING ${RUN_COLUMNS}
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
  const existing = await findRun(prisma, input.organizationId, input.runId);
  if (!existing) throw new RunNotFoundError(input.runId);
  return existing;
}
