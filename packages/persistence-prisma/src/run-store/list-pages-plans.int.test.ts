import { encodeCursor } from "@neonhub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolStatements } from "../database/prepared-statements.js";
import { createPrismaScheduleStore } from "../schedules/prisma-schedule-store.js";
import { createCapturingClient, type CapturingClient } from "../tooling/captured-statements.js";
import { explainStatement, type PlanFigures } from "../tooling/explain-statement.js";
import { openPlanDatabase } from "../tooling/query-plans.js";
import { TEST_DATABASE_URL } from "../tooling/scratch-database.js";
import { createRunStoreOnPrisma } from "./prisma-run-store.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the plan test of paged lists on PostgreSQL.");

/**
 * A page must cost about its own rows, however deep its cursor and whatever the status filter: the cursor bounds
 * the index range (an OR of the cursor's two conditions alone is a filter, which read every run before the page),
 * and a status filter reads the organization's runs of that status only. Read on the statements the stores send.
 */
describe.skipIf(!TEST_DATABASE_URL)("paged lists' plans on PostgreSQL", () => {
  let plans: Awaited<ReturnType<typeof openPlanDatabase>>;
  let capturing: CapturingClient;
  let cursorRun: { id: string; createdAt: Date };
  beforeAll(async () => {
    plans = await openPlanDatabase(TEST_DATABASE_URL!);
    // Organization a holds half of 40,000 runs, fifty small organizations the other half; one in 40 failed, one in 80 queued.
    await plans.client.query(
      `INSERT INTO "AgentRun" ("id", "agentName", "agentVersion", "organizationId", "userId", "status", "input", "createdAt", "fence")
       SELECT 'run-' || n, 'agent-' || n % 4, '1.0.0', 'org-' || CASE WHEN n % 2 = 0 THEN 'a' ELSE 'small-' || n % 100 / 2 END, 'user-' || n % 3,
         CASE WHEN n % 40 = 1 THEN 'FAILED' WHEN n % 80 = 2 THEN 'QUEUED' ELSE 'COMPLETED' END::"RunStatus", '{}'::jsonb,
         now() - make_interval(secs => n), 1
       FROM generate_series(1, 40000) AS n`,
    );
    await plans.client.query(
      `INSERT INTO "Schedule" ("id", "organizationId", "agentName", "cron", "timeZone", "input", "nextRunAt", "createdBy", "createdAt", "updatedAt")
       SELECT 'schedule-' || n, 'org-a', 'agent-1', '0 * * * *', 'UTC', '{}'::jsonb, now(), 'user-1', now() - make_interval(secs => n), now()
       FROM generate_series(1, 5000) AS n`,
    );
    await plans.client.query("VACUUM ANALYZE");
    cursorRun = (await plans.client.query<{ id: string; createdAt: Date }>(`SELECT "id", "createdAt" FROM "AgentRun" WHERE "id" = 'run-30000'`)).rows[0]!;
    capturing = createCapturingClient(plans.scratch.url);
  });
  afterAll(async () => {
    await capturing?.close();
    await plans?.close();
  });

  const planOf = async (call: () => Promise<unknown>): Promise<PlanFigures> => {
    await call();
    const [statement, ...others] = capturing.takeSent();
    expect(others).toEqual([]);
    return explainStatement(plans.client, "page", statement!);
  };
  const runStore = () => createRunStoreOnPrisma(capturing.prisma, poolStatements(capturing.pool, { named: false }), async () => undefined);

  it("reads one page of runs behind a cursor 15,000 runs deep, with or without a filter", async () => {
    const cursor = encodeCursor(cursorRun);
    for (const filter of [{}, { status: "COMPLETED" as const }, { agentName: "agent-2" }, { userId: "user-1" }]) {
      const plan = await planOf(() => runStore().listRuns({ organizationId: "org-a", limit: 20, cursor, ...filter }));
      expect(plan.rowsReturned).toBe(21);
      // Before the cursor bounded the range: from 15,000 to 30,000 rows read.
      expect(plan.rowsRead, `${JSON.stringify(filter)}: ${plan.scans}`).toBeLessThanOrEqual(50);
    }
  });

  it("reads only a small organization's runs of the status asked for", async () => {
    for (const status of ["FAILED", "COMPLETED"] as const) {
      const plan = await planOf(() => runStore().listRuns({ organizationId: "org-small-7", limit: 20, status }));
      expect(plan.scans).toMatch(/^(Index|Bitmap Heap) Scan AgentRun_organizationId_status_createdAt_id_idx$/);
      expect(plan.rowsRead).toBe(plan.rowsReturned);
    }
  });

  it("reads one page of schedules behind a deep cursor", async () => {
    const cursor = encodeCursor({ createdAt: new Date(Date.now() - 4_000_000), id: "schedule-4000" });
    const plan = await planOf(() => createPrismaScheduleStore(capturing.prisma).listSchedules({ organizationId: "org-a", limit: 20, cursor }));
    expect(plan.rowsReturned).toBe(21);
    expect(plan.rowsRead, plan.scans).toBeLessThanOrEqual(50);
  });
});
