import { emptyStatusCounts, sortPeriodGroups, successRateOf, type AgentPeriodSummary, type RunStatus, type SummarizeAgentPeriodQuery } from "@neonhub/core";
import type { PrismaClient } from "../generated/prisma/client.js";
import { toMilliseconds, type DatabaseBigint } from "./run-records.js";

interface StatusRow {
  status: RunStatus;
  count: bigint;
}

interface DurationRow {
  p50DurationMs: DatabaseBigint | null;
  p95DurationMs: DatabaseBigint | null;
}

interface MetricRow {
  name: string;
  unit: string;
  count: bigint;
  sum: number;
}

interface ToolRow {
  connector: string;
  action: string;
  calls: bigint;
  failed: bigint;
}

/**
 * Four grouped reads of one agent's period. Each selects the runs through the (organizationId, agentName, createdAt)
 * index; metrics and tool executions are joined through their indexes on the run id. percentile_disc is the
 * nearest-rank percentile that the in-memory store computes too.
 */
export async function summarizeAgentPeriodOnPrisma(prisma: PrismaClient, query: SummarizeAgentPeriodQuery): Promise<AgentPeriodSummary> {
  const { organizationId, agentName, since, until } = query;
  const [statusRows, durationRows, metricRows, toolRows] = await Promise.all([
    prisma.$queryRaw<StatusRow[]>`
      SELECT "status"::text AS "status", COUNT(*) AS "count"
      FROM "AgentRun"
      WHERE "organizationId" = ${organizationId} AND "agentName" = ${agentName} AND "createdAt" >= ${since}::timestamptz AND "createdAt" < ${until}::timestamptz
      GROUP BY 1`,
    prisma.$queryRaw<DurationRow[]>`
      SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY "durationMs") AS "p50DurationMs",
        percentile_disc(0.95) WITHIN GROUP (ORDER BY "durationMs") AS "p95DurationMs"
      FROM "AgentRun"
      WHERE "organizationId" = ${organizationId} AND "agentName" = ${agentName} AND "createdAt" >= ${since}::timestamptz AND "createdAt" < ${until}::timestamptz`,
    prisma.$queryRaw<MetricRow[]>`
      SELECT metric."name", metric."unit", COUNT(*) AS "count", SUM(metric."value") AS "sum"
      FROM "AgentRun" run JOIN "AgentRunMetric" metric ON metric."runId" = run."id"
      WHERE run."organizationId" = ${organizationId} AND run."agentName" = ${agentName} AND run."createdAt" >= ${since}::timestamptz AND run."createdAt" < ${until}::timestamptz
      GROUP BY 1, 2`,
    prisma.$queryRaw<ToolRow[]>`
      SELECT tool."connector", tool."action", COUNT(*) AS "calls", COUNT(*) FILTER (WHERE tool."status" = 'FAILED') AS "failed"
      FROM "AgentRun" run JOIN "ToolExecution" tool ON tool."runId" = run."id"
      WHERE run."organizationId" = ${organizationId} AND run."agentName" = ${agentName} AND run."createdAt" >= ${since}::timestamptz AND run."createdAt" < ${until}::timestamptz
      GROUP BY 1, 2`,
  ]);
  const byStatus = emptyStatusCounts();
  let total = 0;
  for (const row of statusRows) {
    byStatus[row.status] = Number(row.count);
    total += Number(row.count);
  }
  const durations = durationRows[0];
  const groups = sortPeriodGroups(
    metricRows.map((row) => ({ name: row.name, unit: row.unit, count: Number(row.count), sum: Number(row.sum), average: Number(row.sum) / Number(row.count) })),
    toolRows.map((row) => ({ connector: row.connector, action: row.action, calls: Number(row.calls), failed: Number(row.failed) })),
  );
  return {
    agentName,
    since: new Date(since),
    until: new Date(until),
    total,
    byStatus,
    successRate: successRateOf(byStatus),
    p50DurationMs: toMilliseconds(durations?.p50DurationMs ?? null),
    p95DurationMs: toMilliseconds(durations?.p95DurationMs ?? null),
    ...groups,
  };
}
