import { ConfigurationError, noopMetricsSink, StoreUnavailableError, type MetricsSink, type RunJob, type RunQueue } from "@neonhub/core";
import { Queue, Worker } from "bullmq";

/** Options of {@link createBullmqRunQueue}. */
export interface BullmqRunQueueOptions {
  /** Redis URL (`redis://` or `rediss://`); every instance of the host must use the same one. */
  redisUrl: string;
  /** BullMQ queue name. Default `neonhub-runs`. */
  queueName?: string;
  /** Runs this instance executes at once. Default 8. */
  concurrency?: number;
  metrics?: MetricsSink;
  /** Failed jobs kept for inspection. Default 1,000. */
  keepFailedJobs?: number;
}

const DEFAULT_QUEUE_NAME = "neonhub-runs";
const COMPLETED_JOBS_KEPT = 10_000;
const QUEUE_RETRY_AFTER_MS = 5_000;
const QUEUE_ADD_TIMEOUT_MS = 2_000;

function connectionFromUrl(redisUrl: string) {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    // BullMQ's blocking commands must wait for Redis to come back rather than fail.
    maxRetriesPerRequest: null,
  };
}

/**
 * Queued runs on BullMQ: any host instance sharing the Redis picks them up, and jobs survive a restart.
 * The job id is the run id, so a run is never queued twice. The worker starts when the orchestrator hands
 * over its executor (`start`), so jobs left in Redis before a restart are picked up without a new `add`.
 */
export function createBullmqRunQueue(options: BullmqRunQueueOptions): RunQueue {
  if (typeof options?.redisUrl !== "string" || !URL.canParse(options.redisUrl)) throw new ConfigurationError("createBullmqRunQueue needs a redisUrl.");
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigurationError("Queue concurrency must be a positive integer.");
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const metrics = options.metrics ?? noopMetricsSink;
  const connection = connectionFromUrl(options.redisUrl);
  // The producer fails fast while Redis is away, so that a request is refused (503) instead of hanging.
  const queue = new Queue<RunJob>(queueName, { connection: { ...connection, enableOfflineQueue: false } });
  let worker: Worker<RunJob> | null = null;
  let execute: ((job: RunJob) => Promise<void>) | null = null;
  let pending = 0;
  let closed = false;

  const refreshPending = async () => {
    try {
      pending = await queue.getWaitingCount();
      metrics.queueDepthChanged({ queue: "runs", pending });
    } catch {
      // A depth that cannot be read now is read again after the next job.
    }
  };
  const startWorker = () => {
    worker = new Worker<RunJob>(queueName, async (job) => execute?.(job.data), { connection, concurrency });
    worker.on("completed", () => void refreshPending());
    worker.on("failed", () => void refreshPending());
    // Connection errors are retried by ioredis; the health check reports a lasting outage.
    worker.on("error", () => undefined);
  };
  queue.on("error", () => undefined);

  return {
    durable: true,
    start(executeJob) {
      execute = executeJob;
      if (!worker && !closed) startWorker();
    },
    async add(job, executeJob) {
      if (closed) throw new ConfigurationError("The run queue is closed.");
      execute = executeJob;
      if (!worker) startWorker();
      let timer: NodeJS.Timeout | undefined;
      try {
        const added = queue.add("run", { organizationId: job.organizationId, runId: job.runId }, {
          jobId: job.runId,
          // Finished jobs are kept (bounded) so that their run ids stay taken: a run is queued at most once.
          removeOnComplete: { count: COMPLETED_JOBS_KEPT },
          removeOnFail: options.keepFailedJobs ?? 1_000,
        });
        // A job that lands after this gave up finds its run no longer QUEUED and does nothing.
        const gaveUp = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from Redis within ${QUEUE_ADD_TIMEOUT_MS} ms`)), QUEUE_ADD_TIMEOUT_MS);
        });
        added.catch(() => undefined);
        await Promise.race([added, gaveUp]);
      } catch (error) {
        throw new StoreUnavailableError("The run queue (Redis) cannot be reached; the run was not queued.", { cause: error, retryAfterMs: QUEUE_RETRY_AFTER_MS });
      } finally {
        clearTimeout(timer);
      }
      void refreshPending();
    },
    pending: () => pending,
    async close() {
      closed = true;
      await worker?.close();
      await queue.close();
    },
  };
}
