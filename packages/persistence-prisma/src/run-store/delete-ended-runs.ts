import { isFinalRunStatus, RUN_STATUSES } from "@neonhub/core";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

const FINAL_STATUSES = RUN_STATUSES.filter(isFinalRunStatus);

/**
 * Deletes up to `limit` ended runs created before `createdBefore`, oldest first; their steps, signals, tool
 * executions and metrics go with them (ON DELETE CASCADE). Returns how many were deleted.
 *
 * One branch per final status, each an index scan of `(status, createdAt)` in order that stops at `limit`: a
 * single `status IN (...)` condition cannot be read from that index in creation order, so each call would sort
 * every expired run. The parent is looked up by primary key per candidate; a join would hash every open run. The
 * chosen ids are deleted as one array through the primary key: with `IN (subquery)` the planner may join them to
 * a scan of the whole table.
 * Rows another process is deleting are skipped (`SKIP LOCKED`), so several processes can prune at once.
 */
export function deleteEndedRuns(prisma: PrismaClient, createdBefore: Date, limit: number): Promise<number> {
  return prisma.$executeRaw(deleteEndedRunsStatement(createdBefore, limit));
}

/** The statement of {@link deleteEndedRuns} (its plan is checked in `delete-ended-runs.int.test.ts`). */
export function deleteEndedRunsStatement(createdBefore: Date, limit: number): Prisma.Sql {
  const branches = FINAL_STATUSES.map(
    (status, index) => Prisma.sql`${Prisma.raw(`ended_${index}`)} AS (
      SELECT r."id", r."createdAt" FROM "AgentRun" r
      WHERE r."status" = ${status}::"RunStatus" AND r."createdAt" < ${createdBefore}
        AND COALESCE((SELECT p."status"::text FROM "AgentRun" p WHERE p."id" = r."parentRunId"), 'NONE') NOT IN ('QUEUED', 'RUNNING', 'WAITING')
      ORDER BY r."createdAt" LIMIT ${limit}
      FOR UPDATE OF r SKIP LOCKED)`,
  );
  const union = Prisma.raw(FINAL_STATUSES.map((_, index) => `SELECT * FROM ended_${index}`).join(" UNION ALL "));
  return Prisma.sql`
    WITH ${Prisma.join(branches, ", ")}
    DELETE FROM "AgentRun" WHERE "id" = ANY(ARRAY(SELECT "id" FROM (${union}) ended ORDER BY "createdAt" LIMIT ${limit}))`;
}
