// What one run costs the shared parts: PostgreSQL transactions (pg_stat_database.xact_commit of a database of its
// own, less what the idle processes commit meanwhile) and Redis memory per queued job (INFO memory of a Redis of
// its own). One API host (NEONHUB_ROLE=api) and one worker, as processes, connectors on mocks. Needs PostgreSQL
// (BENCH_DATABASE_URL or TEST_DATABASE_URL) and redis-server. Writes <repo root>/bench/results/run-cost.json.
import { mkdir, writeFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import pg from "pg";
import { issueApiKey } from "../src/auth/issue-api-key.js";
import { startHostProcess, startWorkerProcess, type HostProcess, type WorkerProcess } from "../test/host-process.js";
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from "../test/private-redis.js";
import { createScratchDatabase, type ScratchDatabase } from "../test/scratch-database.js";

const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const RUNS = Number(process.env.BENCH_RUN_COST_RUNS ?? 150);
const QUEUED_JOBS = Number(process.env.BENCH_RUN_COST_JOBS ?? 1_000);
/** Callers the load is spread over: each user may start 60 runs of an agent a minute (the default admission). */
const USERS = 100;
const CONCURRENCY = 8;
/** PostgreSQL 15 backends report their counts at most once a second, and within 10 s when idle. */
const STATS_FLUSH_MS = 11_000;
const IDLE_WINDOW_MS = 20_000;
const resultsDirectory = fileURLToPath(new URL("../../../bench/results/", import.meta.url));

if (!baseUrl || !hasRedisServer()) {
  console.error("The run cost benchmark needs PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL) and redis-server.");
  process.exit(1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let scratch: ScratchDatabase | undefined;
let redis: PrivateRedis | undefined;
const processes: Array<HostProcess | WorkerProcess> = [];

async function main() {
  scratch = await createScratchDatabase(baseUrl as string, "runcost");
  redis = await startPrivateRedis();
  const database = await openNeonhubDatabase({ url: scratch.url });
  const keys: string[] = [];
  for (let user = 0; user < USERS; user += 1) keys.push((await issueApiKey(database.apiKeyStore, { organizationId: "org_bench", userId: `user_${user}`, name: `bench ${user}` })).key);
  await database.close();
  const db = new pg.Client({ connectionString: baseUrl });
  await db.connect();
  const commits = async () => Number((await db.query<{ xact_commit: string }>(`SELECT "xact_commit" FROM pg_stat_database WHERE "datname" = $1`, [scratch!.name])).rows[0]?.xact_commit);
  const redisMemory = () => Number(/used_memory:(\d+)/.exec(spawnSync("redis-cli", ["-u", redis!.url, "info", "memory"], { encoding: "utf8" }).stdout)?.[1]);
  const environment = {
    DATABASE_URL: scratch.url,
    REDIS_URL: redis.url,
    NEONHUB_CONNECTORS_MODE: "mock",
    LOG_LEVEL: "warn",
  };
  // The start lines are logged at info; requests are not.
  const host = await startHostProcess({ ...environment, NEONHUB_ROLE: "api", LOG_LEVEL: "info" });
  processes.push(host);
  let sent = 0;
  const post = (agent: string, input: unknown, async: boolean) =>
    fetch(`${host.url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${keys[sent++ % USERS]}`, "content-type": "application/json" }, body: JSON.stringify({ agent, input, async }) }).then(async (response) => {
      if (response.status !== 200 && response.status !== 202) throw new Error(`${response.status} ${await response.text()}`);
    });
  const inParallel = async (count: number, send: (index: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await send(next++);
    }));
  };
  // Reads of the benchmark's own in the measured database: one transaction each, taken off the count.
  const reader = new pg.Client({ connectionString: scratch.url });
  await reader.connect();
  let reads = 0;
  const openRuns = async () => {
    reads += 1;
    return Number((await reader.query<{ count: string }>(`SELECT count(*) FROM "AgentRun" WHERE "status" IN ('QUEUED', 'RUNNING', 'WAITING')`)).rows[0]?.count);
  };
  const settle = async () => {
    while ((await openRuns()) > 0) await sleep(250);
  };

  // Redis: queued jobs while no worker consumes them, then what stays once they ran (BullMQ keeps the last
  // finished jobs of each queue, up to its retention).
  const before = redisMemory();
  await inParallel(QUEUED_JOBS, (index) => post("onboarding-sequence", { name: `Queued ${index}`, email: `queued-${index}@example.com`, teamChannelId: "1311000000000000001" }, true));
  const queued = redisMemory();
  const worker = await startWorkerProcess({ ...environment, LOG_LEVEL: "info" });
  processes.push(worker);
  await settle();
  await sleep(1_000);
  const retained = redisMemory();

  // PostgreSQL: the idle rate of both processes (sweeps, schedules, reconciliation), then each kind of run.
  await sleep(STATS_FLUSH_MS);
  const idleStart = await commits();
  const idleStartedAt = Date.now();
  await sleep(IDLE_WINDOW_MS);
  const idlePerSecond = ((await commits()) - idleStart) / ((Date.now() - idleStartedAt) / 1_000);
  const perRun = async (send: (index: number) => Promise<void>) => {
    const start = await commits();
    const readsBefore = reads;
    const startedAt = Date.now();
    await inParallel(RUNS, send);
    await settle();
    await sleep(STATS_FLUSH_MS);
    const total = (await commits()) - start - (reads - readsBefore);
    const idle = idlePerSecond * ((Date.now() - startedAt) / 1_000);
    return Math.round(((total - idle) / RUNS) * 10) / 10;
  };
  const onboarding = (prefix: string) => (index: number) => ({ name: `${prefix} ${index}`, email: `${prefix}-${index}@example.com`, teamChannelId: "1311000000000000001" });
  const synchronous = await perRun((index) => post("onboarding-sequence", onboarding("sync")(index), false));
  const queuedRun = await perRun((index) => post("onboarding-sequence", onboarding("async")(index), true));
  const pipeline = await perRun((index) => post("intake-pipeline", { channelId: `UC${String(index).padStart(22, "0")}`, maxResults: 2 }, true));

  const result = {
    benchmark: "run-cost",
    runsPerKind: RUNS,
    queuedJobs: QUEUED_JOBS,
    pgTransactionsPerSyncRun: synchronous,
    pgTransactionsPerQueuedRun: queuedRun,
    pgTransactionsPerPipelineRun: pipeline,
    pipelineRuns: 6,
    pgIdleTransactionsPerSecond: Math.round(idlePerSecond * 10) / 10,
    redisBytesPerQueuedJob: Math.round((queued - before) / QUEUED_JOBS),
    redisBytesRetainedAfterRun: retained - before,
    agent: "onboarding-sequence (5 connector steps, mocked); intake-pipeline: fetch, 2 normalize, 2 embed as child runs",
  };
  await db.end();
  await reader.end();
  await mkdir(resultsDirectory, { recursive: true });
  await writeFile(`${resultsDirectory}run-cost.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(processes.map((each) => each.terminate()));
    await redis?.stop();
    await scratch?.drop();
  });
