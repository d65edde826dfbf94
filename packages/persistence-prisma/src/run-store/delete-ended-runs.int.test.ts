import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPlanDatabase, scansOf, type PlanNode } from "../tooling/query-plans.js";
import { TEST_DATABASE_URL } from "../tooling/scratch-database.js";
import { deleteEndedRunsStatement } from "./delete-ended-runs.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the plan test of run retention on PostgreSQL.");

/**
 * Retention must cost about the runs it deletes, however many expired runs wait (the first pass over a long
 * history) and however many runs are open: each status's candidates in creation order from the status and creation
 * index, each parent by primary key, no hash of open runs and no bitmap of every expired run.
 */
describe.skipIf(!TEST_DATABASE_URL)("run retention's statement on PostgreSQL", () => {
  let plans: Awaited<ReturnType<typeof openPlanDatabase>>;
  let client: pg.Client;
  beforeAll(async () => {
    plans = await openPlanDatabase(TEST_DATABASE_URL!);
    client = plans.client;
  });
  afterAll(async () => plans?.close());

  it("reads candidates from the status and creation index in order and parents by primary key, with a long history and a backlog", async () => {
    const insert = (status: string, count: number, from: number, daysAgo: number) =>
      client.query(
        `INSERT INTO "AgentRun" ("id", "agentName", "agentVersion", "organizationId", "userId", "status", "input", "createdAt", "fence", "parentRunId")
         SELECT 'run-' || n, 'retained', '1.0.0', 'org-a', 'user-1', $1::"RunStatus", '{}'::jsonb, now() - make_interval(days => $4::int, secs => n), 1,
                CASE WHEN n % 10 = 0 THEN 'run-' || (n - 1) END
         FROM generate_series($2::int, $3::int) AS n`,
        [status, from, from + count - 1, daysAgo],
      );
    await insert("COMPLETED", 20_000, 1, 60);
    await insert("FAILED", 5_000, 20_001, 60);
    await insert("QUEUED", 10_000, 30_001, 0);
    await insert("WAITING", 5_000, 40_001, 0);
    await client.query('ANALYZE "AgentRun"');

    const statement = deleteEndedRunsStatement(new Date(Date.now() - 30 * 86_400_000), 500);
    const { rows } = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values);
    const plan = rows[0]!["QUERY PLAN"][0]!.Plan;
    const hashes = (node: PlanNode): number => (node["Node Type"] === "Hash" ? 1 : 0) + (node.Plans ?? []).reduce((sum, child) => sum + hashes(child), 0);
    expect(hashes(plan)).toBe(0);
    const reads = scansOf(plan, "AgentRun");
    const throughIndexes = ["Index Scan AgentRun_status_createdAt_idx", "Index Scan AgentRun_pkey", "Bitmap Heap Scan AgentRun_pkey"];
    expect(reads.filter((read) => !throughIndexes.includes(read))).toEqual([]);
    expect(reads.filter((read) => read === "Index Scan AgentRun_status_createdAt_idx")).toHaveLength(4);

    const { rowCount } = await client.query(statement.text, statement.values);
    expect(rowCount).toBe(500);
    // The oldest ended runs went first (a larger n is older here: the failed ones from 24,501 to 25,000).
    const left = async (from: number, to: number) =>
      (await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM "AgentRun" WHERE "id" IN (SELECT 'run-' || n FROM generate_series($1::int, $2::int) AS n)`, [from, to])).rows[0]?.count;
    expect(await left(24_501, 25_000)).toBe(0);
    expect(await left(1, 24_500)).toBe(24_500);
    expect((await client.query<{ count: number }>(`SELECT count(*)::int AS count FROM "AgentRun" WHERE "status" IN ('QUEUED', 'WAITING')`)).rows[0]?.count).toBe(15_000);
  });
});
