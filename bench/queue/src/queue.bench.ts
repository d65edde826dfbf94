/**
 * Queued runs against bare BullMQ, in one process tree and one run, on the same PostgreSQL and Redis. The benchmark
 * enqueues runs through an orchestrator that only adds jobs (`createBullmqRunQueue({ consume: false })`, the Prisma
 * run store), and worker processes, each with an orchestrator of its own consuming the queue, run them. Measured:
 * runs per second from the first enqueue to the last completion, of an agent whose three connector steps answer at
 * once, beside a bare BullMQ Queue and Worker moving empty jobs with the same producers and concurrency (alternating
 * rounds); with 20 ms of provider latency per step, with one and with two worker processes (alternating rounds);
 * enqueue-to-start latency at a steady pace below capacity, from the runs' records; PostgreSQL transactions per run
 * and Redis memory per waiting job. Writes bench/results/queue.json at the repository root. It creates and drops its
 * database and deletes its Redis keys.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { createOrchestrator, DEFAULT_QUEUE_CONCURRENCY, type Orchestrator } from "@neonhub/core";
import { openNeonhubDatabase, type NeonhubDatabase } from "@neonhub/persistence-prisma";
import { createBullmqRunQueue, redisConnectionOptions } from "@neonhub/redis";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { relayAgents, type RelayQueue } from "./relay-agent.js";
// The same scratch databases as the store's own PostgreSQL tests.
import { createScratchDatabase } from "../../../packages/persistence-prisma/src/tooling/scratch-database.js";
import { committedTransactions, deleteKeys, median, percentile, redisUsedMemory } from "./server-counters.js";
import { ended, startWorker, waitForEnded, type WorkerProcess } from "./worker-process.js";

const SERVER_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.BENCH_REDIS_URL || process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = setting("BENCH_QUEUE_ROUNDS", 3);
const IN_FLIGHT = 32;
const CONCURRENCY = setting("BENCH_QUEUE_CONCURRENCY", DEFAULT_QUEUE_CONCURRENCY);
const LATENCY_MS = 20;
const INSTANT_RUNS = setting("BENCH_QUEUE_INSTANT_RUNS", 2_000);
const BARE_JOBS = setting("BENCH_QUEUE_BARE_JOBS", 10_000);
const LATENCY_RUNS = setting("BENCH_QUEUE_LATENCY_RUNS", 1_000);
const PACED_RUNS = setting("BENCH_QUEUE_PACED_RUNS", 400);
const PACED_PER_SEC = 50;
const COST_RUNS = setting("BENCH_QUEUE_COST_RUNS", 1_000);
const BARE_QUEUE = "bare";
const WAIT_MS = 120_000;
const TARGETS = { noLatencyOverBare: 0.5, twoWorkersOverOne: 1.6 };

const round = (value: number, digits = 0) => Number(value.toFixed(digits));
const caller = (index: number) => ({ userId: `user-${index % 1_000}`, organizationId: "org-bench" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `call` `count` times with {@link IN_FLIGHT} callers at once. */
async function produce(count: number, call: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < count) await call(next++);
  }));
}

/** Ends per second from the first enqueue to the last end the workers report; fails on any failed run. */
async function throughput(workers: WorkerProcess[], count: number, enqueue: (index: number) => Promise<unknown>): Promise<number> {
  const from = ended(workers);
  const failedBefore = workers.reduce((sum, worker) => sum + worker.failed, 0);
  const started = Date.now();
  await produce(count, enqueue);
  await waitForEnded(workers, from, count, WAIT_MS);
  if (workers.reduce((sum, worker) => sum + worker.failed, 0) !== failedBefore) throw new Error("a run failed during the benchmark");
  return count / ((Math.max(...workers.map((worker) => worker.lastFinishedAt)) - started) / 1_000);
}

interface Producer {
  database: NeonhubDatabase;
  orchestrator: Orchestrator;
  enqueue(queue: RelayQueue): (index: number) => Promise<string>;
  close(): Promise<void>;
}

/** The producing side: an orchestrator that adds jobs to BullMQ and runs none. */
async function openProducer(databaseUrl: string, prefix: string): Promise<Producer> {
  const database = await openNeonhubDatabase({ url: databaseUrl });
  const queue = createBullmqRunQueue({ redisUrl: REDIS_URL, prefix, consume: false });
  const { agents, connectors } = relayAgents(0);
  const orchestrator = createOrchestrator({ agents, store: database.runStore, queue, durability: { sweepIntervalMs: 0 } });
  return {
    database,
    orchestrator,
    enqueue: (queueName) => async (index) => (await orchestrator.enqueue({ agent: `relay-${queueName}`, input: { topic: `topic ${index}` }, context: caller(index) })).id,
    async close() {
      await orchestrator.drain({ deadlineMs: 1_000 });
      await connectors.close();
      await database.close();
    },
  };
}

/** Alternating rounds of two sides, the order reversed every other round; each side's rounds in runs per second. */
async function alternate(left: () => Promise<number>, right: () => Promise<number>): Promise<[number[], number[]]> {
  const rounds: [number[], number[]] = [[], []];
  for (let index = 0; index < ROUNDS; index += 1) {
    if (index % 2 === 0) {
      rounds[0].push(await left());
      rounds[1].push(await right());
    } else {
      rounds[1].push(await right());
      rounds[0].push(await left());
    }
  }
  return rounds;
}

/** Enqueues at a steady pace and reads each run's enqueue-to-start time (startedAt - createdAt) from its record. */
async function enqueueToStart(producer: Producer, workers: WorkerProcess[], databaseUrl: string): Promise<number[]> {
  const from = ended(workers);
  const enqueue = producer.enqueue("instant");
  const started = Date.now();
  const ids: Array<Promise<string>> = [];
  for (let index = 0; index < PACED_RUNS; index += 1) {
    const due = started + (index * 1_000) / PACED_PER_SEC;
    if (due > Date.now()) await sleep(due - Date.now());
    ids.push(enqueue(index));
  }
  const runIds = await Promise.all(ids);
  await waitForEnded(workers, from, PACED_RUNS, WAIT_MS);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ ms: number }>(
      `SELECT EXTRACT(EPOCH FROM ("startedAt" - "createdAt")) * 1000 AS ms FROM "AgentRun" WHERE "id" = ANY($1::text[])`,
      [runIds],
    );
    return rows.map((row) => Number(row.ms));
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const database = await createScratchDatabase(SERVER_URL, "neonhub_bench_queue");
  const prefix = `neonhub-bench-${randomBytes(6).toString("hex")}`;
  const redis = new Redis(REDIS_URL);
  const running: WorkerProcess[] = [];
  const start = async (config: Parameters<typeof startWorker>[0]) => {
    const worker = await startWorker(config);
    running.push(worker);
    return worker;
  };
  const stopAll = async () => {
    await Promise.all(running.splice(0).map((worker) => worker.stop()));
  };
  const runsWorker = (latencyMs: number, queues: RelayQueue[]) => start({ kind: "runs", databaseUrl: database.url, redisUrl: REDIS_URL, prefix, latencyMs, queues, concurrency: CONCURRENCY });
  let producer: Producer | undefined;
  let bare: Queue | undefined;
  try {
    const migrated = await openNeonhubDatabase({ url: database.url, applyMigrations: true });
    await migrated.close();
    producer = await openProducer(database.url, prefix);

    // Steps that answer at once, against bare BullMQ: one worker process each, the same producers and concurrency.
    const instant = await runsWorker(0, ["instant"]);
    const bareWorker = await start({ kind: "bare", redisUrl: REDIS_URL, prefix, queue: BARE_QUEUE, concurrency: CONCURRENCY });
    bare = new Queue(BARE_QUEUE, { connection: redisConnectionOptions(REDIS_URL), prefix });
    const bareQueue = bare;
    const addEmpty = () => bareQueue.add("empty", {}, { removeOnComplete: { count: 1_000 }, removeOnFail: { count: 1_000 } });
    const instantSide = () => throughput([instant], INSTANT_RUNS, (producer as Producer).enqueue("instant"));
    const bareSide = () => throughput([bareWorker], BARE_JOBS, addEmpty);
    await throughput([instant], Math.ceil(INSTANT_RUNS / 4), producer.enqueue("instant"));
    await throughput([bareWorker], Math.ceil(BARE_JOBS / 4), addEmpty);
    const [instantRounds, bareRounds] = await alternate(instantSide, bareSide);

    // Enqueue-to-start at a steady pace, on the same worker.
    const latencies = await enqueueToStart(producer, [instant], database.url);
    await stopAll();

    // 20 ms per step: one worker process (solo queue) against two (pair queue, served by both).
    const first = await runsWorker(LATENCY_MS, ["solo", "pair"]);
    const second = await runsWorker(LATENCY_MS, ["pair"]);
    const soloSide = () => throughput([first], LATENCY_RUNS, (producer as Producer).enqueue("solo"));
    const pairSide = () => throughput([first, second], LATENCY_RUNS, (producer as Producer).enqueue("pair"));
    await throughput([first], Math.ceil(LATENCY_RUNS / 4), producer.enqueue("solo"));
    await throughput([first, second], Math.ceil(LATENCY_RUNS / 4), producer.enqueue("pair"));
    const [soloRounds, pairRounds] = await alternate(soloSide, pairSide);
    await stopAll();

    // Costs per run: every connection is closed before each count is read, so that each backend has reported.
    await producer.close();
    producer = undefined;
    await sleep(1_000);
    const commitsBefore = await committedTransactions(SERVER_URL, database.name);
    const memoryBefore = await redisUsedMemory(redis);
    producer = await openProducer(database.url, prefix);
    await produce(COST_RUNS, producer.enqueue("instant"));
    const memoryWaiting = await redisUsedMemory(redis);
    const costWorker = await runsWorker(0, ["instant"]);
    await waitForEnded([costWorker], 0, COST_RUNS, WAIT_MS);
    await stopAll();
    await producer.close();
    producer = undefined;
    await sleep(1_000);
    const commitsAfter = await committedTransactions(SERVER_URL, database.name);

    const noLatency = median(instantRounds);
    const bareJobs = median(bareRounds);
    const one = median(soloRounds);
    const two = median(pairRounds);
    const result = {
      queuedRunsPerSec1Worker: round(one),
      queuedRunsPerSec2Workers: round(two),
      queuedRunsPerSecNoLatency: round(noLatency),
      bareBullmqJobsPerSec: round(bareJobs),
      enqueueToStartP50Ms: round(percentile(latencies, 0.5), 1),
      enqueueToStartP99Ms: round(percentile(latencies, 0.99), 1),
      noLatencyOverBare: round(noLatency / bareJobs, 3),
      twoWorkersOverOne: round(two / one, 2),
      targets: TARGETS,
      met: { noLatencyOverBare: noLatency >= TARGETS.noLatencyOverBare * bareJobs, twoWorkersOverOne: two >= TARGETS.twoWorkersOverOne * one },
      postgresTransactionsPerRun: round((commitsAfter - commitsBefore) / COST_RUNS, 2),
      redisBytesPerWaitingJob: round((memoryWaiting - memoryBefore) / COST_RUNS),
      rounds: {
        queuedRunsPerSecNoLatency: instantRounds.map((value) => round(value)),
        bareBullmqJobsPerSec: bareRounds.map((value) => round(value)),
        queuedRunsPerSec1Worker: soloRounds.map((value) => round(value)),
        queuedRunsPerSec2Workers: pairRounds.map((value) => round(value)),
      },
      steps: 3,
      latencyMsPerStep: LATENCY_MS,
      concurrencyPerWorker: CONCURRENCY,
      producers: IN_FLIGHT,
      instantRunsPerRound: INSTANT_RUNS,
      bareJobsPerRound: BARE_JOBS,
      latencyRunsPerRound: LATENCY_RUNS,
      pacedRuns: PACED_RUNS,
      pacedRunsPerSec: PACED_PER_SEC,
      costRuns: COST_RUNS,
      cores: availableParallelism(),
      node: process.version,
      loadAverage: loadavg().map((value) => round(value, 2)),
    };
    const resultsDir = new URL("../../results/", import.meta.url);
    await mkdir(resultsDir, { recursive: true });
    await writeFile(new URL("queue.json", resultsDir), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    if (!result.met.noLatencyOverBare || !result.met.twoWorkersOverOne) console.warn("queue benchmark: a target was missed", result.met);
  } finally {
    await stopAll();
    await producer?.close().catch(() => undefined);
    await bare?.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
    await database.drop();
  }
}

await main();
