/**
 * A worker process of the queue benchmark. `runs`: an orchestrator on the Prisma run store and the BullMQ run
 * queue, as a separate worker of a deployment would open it, serving the given relay queues. `bare`: a BullMQ
 * worker moving empty jobs. Reports finished runs (or jobs) to the benchmark; drains and exits on `stop`.
 */
import { createOrchestrator, noopMetricsSink } from "@neonhub/core";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { createBullmqRunQueue, redisConnectionOptions } from "@neonhub/redis";
import { Worker } from "bullmq";
import { RELAY_QUEUES, relayAgents } from "./relay-agent.js";
import { PROGRESS_INTERVAL_MS, type WorkerCommand, type WorkerConfig, type WorkerMessage } from "./worker-protocol.js";

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerConfig;
const send = (message: WorkerMessage) => process.send?.(message);
let finished = 0;
let failed = 0;
let lastFinishedAt = 0;
const ended = (ok: boolean) => {
  if (ok) finished += 1;
  else failed += 1;
  lastFinishedAt = Date.now();
};

let cpuAtReady = process.cpuUsage();
const cpuSinceReady = () => {
  const used = process.cpuUsage(cpuAtReady);
  return used.user + used.system;
};

let reported = -1;
const reporter = setInterval(() => {
  if (finished + failed === reported) return;
  reported = finished + failed;
  send({ type: "progress", finished, failed, lastFinishedAt, cpuUs: cpuSinceReady() });
}, PROGRESS_INTERVAL_MS);

async function open(): Promise<() => Promise<void>> {
  if (config.kind === "bare") {
    const worker = new Worker(config.queue, async () => undefined, { connection: redisConnectionOptions(config.redisUrl), prefix: config.prefix, concurrency: config.concurrency });
    worker.on("completed", () => ended(true));
    worker.on("failed", () => ended(false));
    await worker.waitUntilReady();
    return () => worker.close();
  }
  const database = await openNeonhubDatabase({ url: config.databaseUrl });
  const queue = createBullmqRunQueue({
    redisUrl: config.redisUrl,
    prefix: config.prefix,
    queues: Object.fromEntries(config.queues.map((name) => [RELAY_QUEUES[name], { concurrency: config.concurrency }])),
  });
  const { agents, connectors } = relayAgents(config.latencyMs);
  const metrics = { ...noopMetricsSink, runFinished: ({ status }: { status: string }) => ended(status === "COMPLETED") };
  const orchestrator = createOrchestrator({ agents, store: database.runStore, queue, metrics });
  return async () => {
    await orchestrator.drain({ deadlineMs: 10_000 });
    await connectors.close();
    await database.close();
  };
}

const close = await open();
process.on("message", (command: WorkerCommand) => {
  if (command.type !== "stop") return;
  void close().finally(() => {
    clearInterval(reporter);
    send({ type: "progress", finished, failed, lastFinishedAt, cpuUs: cpuSinceReady() });
    process.disconnect?.();
  });
});
cpuAtReady = process.cpuUsage();
send({ type: "ready" });
