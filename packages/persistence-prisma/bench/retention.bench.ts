// Cost of run retention on PostgreSQL: the store's `deleteEndedRuns` (it chooses the oldest ended runs past the
// cut-off, skipping those whose parent is open) against the least work deleting the same rows can take, a plain
// `DELETE ... WHERE id = ANY($1)` of ids known in advance. Both delete runs with three journal steps and three tool
// executions each (removed by ON DELETE CASCADE), beside a backlog of open runs and of recent ended runs that must
// stay, in alternating batches of 500 over disjoint runs (the first of each side a warm-up). Writes
// <repository>/bench/results/retention.json.
import { mkdir, writeFile } from "node:fs/promises";
import pg from "pg";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { createScratchDatabase } from "../src/tooling/scratch-database.js";

const SERVER_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const BATCH = 500;
const BATCHES_PER_SIDE = 20;
/** Expired runs: the store deletes the older half (oldest first), the baseline the younger half by id. */
const EXPIRED_RUNS = 2 * BATCH * (BATCHES_PER_SIDE + 1);
const OPEN_RUNS = 20_000;
const RECENT_RUNS = 20_000;
const STEPS_PER_RUN = 3;

async function seed(client: pg.Client): Promise<void> {
  // Run n is n seconds older than 40 days ago: the store's oldest-first order takes the largest n first.
  await client.query(
    `INSERT INTO "AgentRun" ("id", "agentName", "agentVersion", "organizationId", "userId", "status", "input", "output", "attempts", "createdAt", "completedAt", "fence")
     SELECT 'expired-' || n, 'retained', '1.0.0', 'org-bench', 'user-1', 'COMPLETED', '{"topic":"launch"}'::jsonb, '{"text":"done"}'::jsonb, 1,
            now() - interval '40 days' - make_interval(secs => n), now() - interval '40 days', 1
     FROM generate_series(1, $1::int) AS n`,
    [EXPIRED_RUNS],
  );
  await client.query(
    `INSERT INTO "RunStep" ("runId", "position", "key", "kind", "status", "output", "attempts", "startedAt", "completedAt")
     SELECT 'expired-' || n, p, 'slack.postMessage#' || p, 'TOOL', 'SUCCEEDED', '{"ts":"1.0"}'::jsonb, 1, now(), now()
     FROM generate_series(1, $1::int) AS n, generate_series(0, $2::int - 1) AS p`,
    [EXPIRED_RUNS, STEPS_PER_RUN],
  );
  await client.query(
    `INSERT INTO "ToolExecution" ("id", "runId", "organizationId", "connector", "action", "status", "input", "output", "attempt", "startedAt", "completedAt", "durationMs", "stepKey")
     SELECT 'tool-' || n || '-' || p, 'expired-' || n, 'org-bench', 'slack', 'postMessage', 'SUCCEEDED', '{"channel":"#general"}'::jsonb, '{"ts":"1.0"}'::jsonb, 1, now(), now(), 5, 'slack.postMessage#' || p
     FROM generate_series(1, $1::int) AS n, generate_series(0, $2::int - 1) AS p`,
    [EXPIRED_RUNS, STEPS_PER_RUN],
  );
  await client.query(
    `INSERT INTO "AgentRun" ("id", "agentName", "agentVersion", "organizationId", "userId", "status", "input", "attempts", "createdAt", "completedAt", "fence")
     SELECT CASE WHEN n <= $1 THEN 'open-' ELSE 'recent-' END || n, 'retained', '1.0.0', 'org-bench', 'user-1',
            CASE WHEN n <= $1 THEN 'QUEUED' ELSE 'COMPLETED' END::"RunStatus", '{}'::jsonb, 1, now() - interval '1 day', NULL, 1
     FROM generate_series(1, $2::int) AS n`,
    [OPEN_RUNS, OPEN_RUNS + RECENT_RUNS],
  );
  await client.query("VACUUM ANALYZE");
}

const percentile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))]!;

const scratch = await createScratchDatabase(SERVER_URL, "neonhub_retention_bench");
try {
  const database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  await seed(client);
  const createdBefore = new Date(Date.now() - 30 * 86_400_000);
  const storeBatches: number[] = [];
  const plainBatches: number[] = [];
  let storeDeleted = 0;
  let plainDeleted = 0;
  const storeBatch = async () => {
    const started = performance.now();
    const deleted = await database.runStore.deleteEndedRuns({ createdBefore, limit: BATCH });
    return { deleted, ms: performance.now() - started };
  };
  let nextPlainRun = 1;
  const plainBatch = async () => {
    const ids = Array.from({ length: BATCH }, () => `expired-${nextPlainRun++}`);
    const started = performance.now();
    const deleted = (await client.query(`DELETE FROM "AgentRun" WHERE "id" = ANY($1)`, [ids])).rowCount ?? 0;
    return { deleted, ms: performance.now() - started };
  };
  // The first batch of each side warms caches and plans and is not counted; then the sides alternate which goes
  // first, so that neither always follows the other's writes.
  for (let batch = 0; batch <= BATCHES_PER_SIDE; batch += 1) {
    const sides = batch % 2 === 0 ? [storeBatch, plainBatch] : [plainBatch, storeBatch];
    for (const side of sides) {
      const { deleted, ms } = await side();
      if (side === storeBatch) storeDeleted += deleted;
      else plainDeleted += deleted;
      if (batch > 0) (side === storeBatch ? storeBatches : plainBatches).push(ms);
    }
  }
  const left = (await client.query<{ open: number; recent: number; expired: number }>(
    `SELECT count(*) FILTER (WHERE "id" LIKE 'open-%')::int AS open, count(*) FILTER (WHERE "id" LIKE 'recent-%')::int AS recent, count(*) FILTER (WHERE "id" LIKE 'expired-%')::int AS expired FROM "AgentRun"`,
  )).rows[0]!;
  await client.end();
  await database.close();
  if (storeDeleted !== EXPIRED_RUNS / 2 || plainDeleted !== EXPIRED_RUNS / 2 || left.open !== OPEN_RUNS || left.recent !== RECENT_RUNS || left.expired !== 0) {
    throw new Error(`retention deleted the wrong runs: ${JSON.stringify({ storeDeleted, plainDeleted, left })}`);
  }

  const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / 1000;
  const retentionRunsPerSec = (BATCH * BATCHES_PER_SIDE) / total(storeBatches);
  const plainDeleteRunsPerSec = (BATCH * BATCHES_PER_SIDE) / total(plainBatches);
  const result = {
    retentionRunsPerSec: Math.round(retentionRunsPerSec),
    plainDeleteRunsPerSec: Math.round(plainDeleteRunsPerSec),
    ratio: Number((retentionRunsPerSec / plainDeleteRunsPerSec).toFixed(3)),
    retentionBatchP50Ms: Number(percentile(storeBatches, 0.5).toFixed(1)),
    retentionBatchMaxMs: Number(Math.max(...storeBatches).toFixed(1)),
    plainBatchP50Ms: Number(percentile(plainBatches, 0.5).toFixed(1)),
    batchSize: BATCH,
    batchesPerSide: BATCHES_PER_SIDE,
    rowsPerRun: 1 + 2 * STEPS_PER_RUN,
    openRuns: OPEN_RUNS,
    recentEndedRuns: RECENT_RUNS,
  };
  const resultsDir = new URL("../../../bench/results/", import.meta.url);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(new URL("retention.json", resultsDir), `${JSON.stringify(result, null, 2)}\n`);
  console.log(result);
} finally {
  await scratch.drop();
}
