/**
 * How the writes that name their runs reach them: each run is looked up and locked through the primary key alone,
 * and only then checked (organization, status, fence, lease owner). Written as plain conditions, those checks let
 * the planner reach the runs through the status or organization indexes, or hash the whole table: with a backlog
 * of open runs (or versions not yet vacuumed) every start, step, finish, lease renewal, park and wake then read
 * every open run's entries, and a plan cached while the table was nearly empty read the whole table. A subquery
 * with `OFFSET 0` keeps the checks out of the lookup, so each run costs one primary-key probe whatever the
 * statistics say.
 *
 * Runs are locked in the order of their ids, whatever the order of the request: two statements that lock some of
 * the same runs (a batch of journal steps and a lease renewal, say) then wait for each other instead of deadlocking.
 * The sort sits in a subquery that PostgreSQL cannot flatten, on the outer side of the nested loop that locks each
 * run in turn, so rows are locked in that order.
 */

/** The lock taken on each run: `UPDATE` by the writes that change the run, `SHARE` by those that only need it to stay held. */
export type RunLock = "UPDATE" | "SHARE";

/** The run whose id is `id` (an SQL expression), locked; its checks stay outside, with `OFFSET 0` keeping them out. */
function lockedRunSql(id: string, lock: RunLock): string {
  return `SELECT "id", "organizationId", "status", "fence", "leaseOwner", "wakeAt" FROM "AgentRun" WHERE "id" = ${id} OFFSET 0 FOR ${lock}`;
}

/** `rows` (a relation with a `"runId"` column) sorted in the order runs are locked, as `"request"`. */
function inLockOrderSql(rows: string): string {
  return `(SELECT * FROM ${rows} ORDER BY "runId") AS "request"`;
}

/**
 * The rows of the CTE `"request"` (with `"runId"` and `"organizationId"` columns) whose run exists in that
 * organization and passes `check`, a condition on `"current"` (the run's `"status"`, `"fence"`, `"leaseOwner"` and `"wakeAt"`) and `"request"`.
 */
export function requestedRunsSql(lock: RunLock, check: string): string {
  return `
    SELECT "request".* FROM ${inLockOrderSql(`"request"`)}
    CROSS JOIN LATERAL (${lockedRunSql(`"request"."runId"`, lock)}) AS "current"
    WHERE "current"."organizationId" = "request"."organizationId" AND ${check}`;
}

/**
 * The ids of the runs listed by `request` (an SQL row source with a `"runId"` column, named `"request"`) that exist
 * and pass `check`, a condition on `"current"` and `"request"`.
 */
export function listedRunsSql(request: string, lock: RunLock, check: string): string {
  return `
    SELECT "current"."id" FROM ${inLockOrderSql(request)}
    CROSS JOIN LATERAL (${lockedRunSql(`"request"."runId"`, lock)}) AS "current"
    WHERE ${check}`;
}

/** The id of run `$1` when it exists in organization `$2` and passes `check`, a condition on `"current"`. */
export function oneRunSql(lock: RunLock, check: string): string {
  return `
    SELECT "current"."id" FROM (${lockedRunSql("$1", lock)}) AS "current"
    WHERE "current"."organizationId" = $2 AND ${check}`;
}

/** Sets `set` on each run that `found` (a query of runs' `"id"`, locked by it) selects, as `"run"`; returns `returning`. */
export function updateFoundRunsSql(found: string, set: string, returning: string): string {
  return `
  WITH "found" AS MATERIALIZED (${found}
  )
  UPDATE "AgentRun" AS "run" SET ${set} FROM "found" WHERE "run"."id" = "found"."id"
  RETURNING ${returning}`;
}
