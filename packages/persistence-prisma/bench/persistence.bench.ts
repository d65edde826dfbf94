// Throughput of complete runs of a no-op agent (create RUNNING, then finish with its metrics), the calls the
// orchestrator makes per run: the Prisma store on PostgreSQL, plain `pg` writing the same rows with the fewest
// statements, and the Prisma store on embedded PGlite. Writes <repository>/bench/results/persistence.json.
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import type { RunStore } from "@neonhub/core";
import pg from "pg";
import { createPrismaRunStore, openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { createScratchDatabase, createScratchFolder } from "../src/tooling/scratch-database.js";

const SERVER_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const IN_FLIGHT = 32;
const POSTGRES_RUNS = 3_000;
const PGLITE_RUNS = 600;
const WARMUP_RUNS = 300;
// Row writes per run on both sides: the run inserted, the run updated, three metric rows.
const WRITES_PER_RUN = 5;
// The baseline's statements per run: one INSERT, one statement that finishes the run and inserts its metrics.
const RAW_STATEMENTS_PER_RUN = 2;

type RunWriter = (index: number) => Promise<void>;

// Runs created through the API carry their request's intent, which the trigram index of intent search indexes.
const intentOf = (index: number) => `Refund request from a customer about order ${index}`;

const metricsOf = (durationMs: number) => [
  { name: "duration_ms", value: durationMs, unit: "ms" },
  { name: "attempts", value: 1, unit: "count" },
  { name: "tool_calls", value: 0, unit: "count" },
];

function storeWriter(store: RunStore, organizationId: string): RunWriter {
  return async (index) => {
    const id = randomUUID();
    const startedAt = new Date();
    await store.createRun({
      id, agentName: "noop", agentVersion: "1.0.0", organizationId, userId: "bench", intent: intentOf(index), input: { noop: true }, idempotencyKey: null,
      requestHash: null, status: "RUNNING", createdAt: startedAt, startedAt, traceId: null, parentRunId: null, lease: null,
    });
    const completedAt = new Date();
    await store.finishRun({
      organizationId, runId: id, status: "COMPLETED", statusReason: "completed", output: { ok: true }, error: null, attempts: 1,
      completedAt, durationMs: completedAt.getTime() - startedAt.getTime(), metrics: metricsOf(completedAt.getTime() - startedAt.getTime()),
    });
  };
}

function rawWriter(pool: pg.Pool, organizationId: string): RunWriter {
  return async (index) => {
    const id = randomUUID();
    const startedAt = new Date();
    await pool.query(
      `INSERT INTO "AgentRun" ("id", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "input", "attempts", "createdAt", "startedAt")
       VALUES ($1, 'noop', '1.0.0', $2, 'bench', $5, 'RUNNING', $3, 1, $4, $4)`,
      [id, organizationId, JSON.stringify({ noop: true }), startedAt, intentOf(index)],
    );
    const completedAt = new Date();
    const durationMs = completedAt.getTime() - startedAt.getTime();
    await pool.query(
      `WITH "finished" AS (
         UPDATE "AgentRun" SET "status" = 'COMPLETED', "statusReason" = 'completed', "output" = $3, "attempts" = 1, "completedAt" = $4, "durationMs" = $5
         WHERE "id" = $1 AND "organizationId" = $2 AND "status" IN ('QUEUED', 'RUNNING') RETURNING "id")
       INSERT INTO "AgentRunMetric" ("runId", "name", "value", "unit")
       SELECT "finished"."id", "metric"."name", "metric"."value", "metric"."unit"
       FROM "finished", jsonb_to_recordset($6::jsonb) AS "metric"("name" text, "value" double precision, "unit" text)`,
      [id, organizationId, JSON.stringify({ ok: true }), completedAt, durationMs, JSON.stringify(metricsOf(durationMs))],
    );
  };
}

/** Runs `count` runs with `IN_FLIGHT` of them at a time; returns runs per second. */
async function measure(writer: RunWriter, count: number): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < count) await writer(next++);
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

const scratch = await createScratchDatabase(SERVER_URL, "neonhub_bench");
try {
  const database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
  // The same pool size as the store's.
  const pool = new pg.Pool({ connectionString: scratch.url, max: 10 });
  const prisma = storeWriter(database.runStore, "org-bench-prisma");
  const raw = rawWriter(pool, "org-bench-raw");
  await measure(prisma, WARMUP_RUNS);
  await measure(raw, WARMUP_RUNS);
  // Alternating rounds so that neither side profits from a quieter moment; the best round of each counts.
  const prismaRounds: number[] = [];
  const rawRounds: number[] = [];
  for (let round = 0; round < 2; round += 1) {
    rawRounds.push(await measure(raw, POSTGRES_RUNS));
    prismaRounds.push(await measure(prisma, POSTGRES_RUNS));
  }
  await pool.end();
  await database.close();

  const folder = await createScratchFolder();
  const embedded = await createPrismaRunStore({ embedded: { dataDir: folder.path } });
  const embeddedWriter = storeWriter(embedded, "org-bench-pglite");
  await measure(embeddedWriter, WARMUP_RUNS / 3);
  const pglitePrismaRunsPerSec = await measure(embeddedWriter, PGLITE_RUNS);
  await embedded.close();
  await folder.remove();

  const prismaPgRunsPerSec = Math.max(...prismaRounds);
  const rawPgRunsPerSec = Math.max(...rawRounds);
  const result = {
    prismaPgRunsPerSec: Math.round(prismaPgRunsPerSec),
    rawPgRunsPerSec: Math.round(rawPgRunsPerSec),
    ratio: Number((prismaPgRunsPerSec / rawPgRunsPerSec).toFixed(3)),
    writesPerRun: WRITES_PER_RUN,
    rawStatementsPerRun: RAW_STATEMENTS_PER_RUN,
    pglitePrismaRunsPerSec: Math.round(pglitePrismaRunsPerSec),
    runsInFlight: IN_FLIGHT,
    postgresRunsPerRound: POSTGRES_RUNS,
    pgliteRuns: PGLITE_RUNS,
  };
  const resultsDir = new URL("../../../bench/results/", import.meta.url);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(new URL("persistence.json", resultsDir), `${JSON.stringify(result, null, 2)}\n`);
  console.log(result);
} finally {
  await scratch.drop();
}
