import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockingLoopOrders, openPlanDatabase, scansOf, type PlanNode } from "../tooling/query-plans.js";
import { TEST_DATABASE_URL } from "../tooling/scratch-database.js";
import { PARK_RUN_SQL, RECORD_STEPS_SQL, RENEW_LEASES_SQL } from "./journal-writes.js";
import { FINISH_RUNS_SQL, LOCK_RUNS_SQL, START_RUN_SQL } from "./run-writes.js";
import { WAKE_RUN_SQL } from "./signal-writes.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the plan tests of the run writes by id on PostgreSQL.");

/**
 * The writes that reach runs by id, with arguments naming runs of the backlog. The hot ones are named prepared
 * statements, whose plan PostgreSQL may cache (a generic plan); the others go through Prisma as unnamed
 * statements, planned for each call's arguments (a custom plan).
 */
const WRITES = [
  { name: "start", text: START_RUN_SQL, prepared: true, args: "'run-2001', 'org-a', now(), 'trace', 'owner', now(), '2.0.0'" },
  { name: "record_steps", text: RECORD_STEPS_SQL, prepared: true, args: `'[{"organizationId":"org-a","runId":"run-4001","fence":1,"position":0}]'::jsonb` },
  { name: "lock_runs", text: LOCK_RUNS_SQL, prepared: true, args: "ARRAY['run-4001', 'run-4002']" },
  { name: "finish", text: FINISH_RUNS_SQL, prepared: true, args: `'[{"organizationId":"org-a","runId":"run-4001","status":"COMPLETED"}]'::jsonb, '{}'::jsonb` },
  { name: "renew_leases", text: RENEW_LEASES_SQL, prepared: false, args: "ARRAY['run-4001', 'run-4002'], 'owner', now(), ARRAY[1, 1], false" },
  { name: "park", text: PARK_RUN_SQL, prepared: false, args: "'run-4001', 'org-a', 1, now()" },
  { name: "wake", text: WAKE_RUN_SQL, prepared: false, args: "'run-5001', 'org-a', now()" },
];

/**
 * PostgreSQL plans from the statistics of the moment, whether it caches the plan (generic) or makes one per call
 * (custom): here those of an empty table, then of a table analyzed while every run had ended and since filled with
 * a backlog of open runs. Whatever they say, each write must reach its runs through the primary key only; a plan
 * through the status or organization indexes reads the whole backlog on every call (see runs-by-key.ts).
 */
describe.skipIf(!TEST_DATABASE_URL)("run writes by id on PostgreSQL", () => {
  let plans: Awaited<ReturnType<typeof openPlanDatabase>>;
  let client: pg.Client;
  beforeAll(async () => {
    plans = await openPlanDatabase(TEST_DATABASE_URL!);
    client = plans.client;
  });
  afterAll(async () => plans?.close());

  /** What `read` finds in the plan of each write, generic and custom. */
  const fromPlans = async (read: (plan: PlanNode) => string[], writes = WRITES) => {
    const found: Record<string, string[]> = {};
    for (const mode of ["force_generic_plan", "force_custom_plan"]) {
      await client.query(`SET plan_cache_mode = ${mode}`);
      for (const write of writes.filter((each) => each.prepared || mode === "force_custom_plan")) {
        await client.query(`PREPARE neonhub_plan_${write.name} AS ${write.text}`);
        const { rows } = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) EXECUTE neonhub_plan_${write.name}(${write.args})`);
        await client.query(`DEALLOCATE neonhub_plan_${write.name}`);
        found[`${write.name} (${mode})`] = read(rows[0]!["QUERY PLAN"][0]!.Plan);
      }
    }
    return found;
  };
  const accesses = (writes = WRITES) => fromPlans((plan) => scansOf(plan, "AgentRun"), writes);

  const onlyThroughPrimaryKey = (found: Record<string, string[]>) => {
    for (const [name, scans] of Object.entries(found)) {
      expect(scans.length, name).toBeGreaterThan(0);
      expect(new Set(scans), name).toEqual(new Set(["Index Scan AgentRun_pkey"]));
    }
  };

  // A plan made for one call on an empty table reads nothing; only a cached one outlives the table's growth.
  it("caches plans that reach runs through the primary key on a new, empty table", async () => {
    onlyThroughPrimaryKey(await accesses(WRITES.filter((write) => write.prepared)));
  });

  it("reaches runs through the primary key with a backlog of open runs the statistics do not show", async () => {
    const insert = (status: string, count: number, from: number) =>
      client.query(
        `INSERT INTO "AgentRun" ("id", "agentName", "agentVersion", "organizationId", "userId", "status", "input", "createdAt", "fence")
         SELECT 'run-' || n, 'writer', '1.0.0', 'org-a', 'user-' || (n % 10), $1::"RunStatus", '{}'::jsonb, now(), 1
         FROM generate_series($2::int, $3::int) AS n`,
        [status, from, from + count - 1],
      );
    await insert("COMPLETED", 2_000, 1);
    await client.query('ANALYZE "AgentRun"');
    await insert("QUEUED", 2_000, 2_001);
    await insert("RUNNING", 1_000, 4_001);
    await insert("WAITING", 1_000, 5_001);
    onlyThroughPrimaryKey(await accesses());
  });

  // Two writes locking some of the same runs in opposite orders deadlock; in the order of their ids they wait in turn.
  it("locks the runs a write names in the order of their ids", async () => {
    const several = WRITES.filter((write) => ["record_steps", "lock_runs", "finish", "renew_leases"].includes(write.name));
    for (const [name, orders] of Object.entries(await fromPlans(lockingLoopOrders, several))) {
      expect(orders, name).toEqual(['Sort request."runId"']);
    }
  });
});
