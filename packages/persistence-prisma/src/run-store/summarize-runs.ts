import type { RunStatus, RunSummary, SummarizeRunsQuery } from "@neonhub/core";
import type { PrismaClient } from "../generated/prisma/client.js";
import { toMilliseconds, type DatabaseBigint } from "./run-records.js";

interface AgentRow {
  agentName: string;
  total: bigint;
  completed: bigint;
  failed: bigint;
  p95DurationMs: DatabaseBigint | null;
}

interface MinuteRow {
  minute: Date;
  status: RunStatus;
  count: bigint;
  p95DurationMs: DatabaseBigint | null;
}

const byText = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

/**
 * Two grouped reads of one window, each served by the (organizationId, createdAt) index; percentile_disc is the
 * nearest-rank percentile that the in-memory store computes too.
 */
export async function summarizeRunsOnPrisma(prisma: PrismaClient, query: SummarizeRunsQuery): Promise<RunSummary> {
  const [agentRows, minuteRows] = await Promise.all([
    prisma.$queryRaw<AgentRow[]>`
      SELECT "agentName", COUNT(*) AS "total",
        COUNT(*) FILTER (WHERE "status" = 'COMPLETED') AS "completed",
        COUNT(*) FILTER (WHERE "status" IN ('FAILED', 'TIMED_OUT')) AS "failed",
        percentile_disc(0.95) WITHIN GROUP (ORDER BY "durationMs") AS "p95DurationMs"
      FROM "AgentRun"
      WHERE "organizationId" = ${query.organizationId} AND "createdAt" >= ${query.since}::timestamptz AND "createdAt" < ${query.until}::timestamptz
      GROUP BY "agentName"`,
    prisma.$queryRaw<MinuteRow[]>`
      SELECT date_trunc('minute', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "minute", "status"::text AS "status", COUNT(*) AS "count",
        percentile_disc(0.95) WITHIN GROUP (ORDER BY "durationMs") AS "p95DurationMs"
      FROM "AgentRun"
      WHERE "organizationId" = ${query.organizationId} AND "createdAt" >= ${query.since}::timestamptz AND "createdAt" < ${query.until}::timestamptz
      GROUP BY 1, 2`,
  ]);
  return {
    agents: agentRows
      .map((row) => ({
        agentName: row.agentName,
        total: Number(row.total),
        completed: Number(row.completed),
        failed: Number(row.failed),
        p95DurationMs: toMilliseconds(row.p95DurationMs),
      }))
      .sort((left, right) => byText(left.agentName, right.agentName)),
    minutes: minuteRows
      .map((row) => ({
        minute: new Date(row.minute),
        status: row.status,
        count: Number(row.count),
        p95DurationMs: toMilliseconds(row.p95DurationMs),
      }))
      .sort((left, right) => left.minute.getTime() - right.minute.getTime() || byText(left.status, right.status)),
  };
}
