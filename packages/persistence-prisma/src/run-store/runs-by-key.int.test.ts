import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "../tooling/scratch-database.js";
import { RECORD_STEPS_SQL } from "./journal-writes.js";
import { FINISH_RUNS_SQL, START_RUN_SQL } from "./run-writes.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the plan tests of the run writes on PostgreSQL.");

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every scan of `AgentRun` in a plan: "Index Scan AgentRun_pkey", "Seq Scan", "Bitmap Heap Scan"... */
function agentRunAccesses(node: PlanNode): string[] {
  const own = node["Relation Name"] === "AgentRun" && node["Node Type"].endsWith("Scan") ? [`${node["Node Type"]}${node["Index Name"] ? ` ${node["Index Name"]}` : ""}`] : [];
  return [...own, ...(node.Plans ?? []).flatMap(agentRunAccesses)];
}

/** The hot writes, with arguments of the right types (their values do not matter to a generic plan). */
const WRITES = [
  { name: "start", text: START_RUN_SQL, args: "'run-1', 'org-a', now(), 'trace', 'owner', now()" },
  { name: "record_steps", text: RECORD_STEPS_SQL, args: "'[]'::jsonb" },
  { name: "finish", text: FINISH_RUNS_SQL, args: "'[]'::jsonb, '{}'::jsonb" },
];

/**
 * The plans PostgreSQL caches for prepared statements (generic plans) are made from the statistics of the moment:
 * here those of an empty table, then of a table analyzed while every run had ended and since filled with a
 * backlog of queued runs. Whatever they say, each write must reach its runs through the primary key only; a plan
 * through the status or organization indexes reads the whole backlog on every call (see runs-by-key.ts).
 */
describe.skipIf(!TEST_DATABASE_URL)("hot run writes on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    const database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
    await database.close();
    client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    await client.query("SET plan_cache_mode = force_generic_plan");
  });
  afterAll(async () => {
    await client?.end();
    await scratch?.drop();
  });

  const accesses = async () => {
    const found: Record<string, string[]> = {};
    for (const write of WRITES) {
      await client.query(`PREPARE neonhub_plan_${write.name} AS ${write.text}`);
      const { rows } = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) EXECUTE neonhub_plan_${write.name}(${write.args})`);
      await client.query(`DEALLOCATE neonhub_plan_${write.name}`);
      found[write.name] = agentRunAccesses(rows[0]!["QUERY PLAN"][0]!.Plan);
    }
    return found;
  };

  const onlyThroughPrimaryKey = (found: Record<string, string[]>) => {
    for (const [name, scans] of Object.entries(found)) {
      expect(scans.length, name).toBeGreaterThan(0);
      expect(new Set(scans), name).toEqual(new Set(["Index Scan AgentRun_pkey"]));
    }
  };

  it("reaches runs through the primary key on a new, empty table", async () => {
    onlyThroughPrimaryKey(await accesses());
  });

  it("reaches runs through the primary key with a backlog of queued runs the statistics do not show", async () => {
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
    onlyThroughPrimaryKey(await accesses());
  });
});
