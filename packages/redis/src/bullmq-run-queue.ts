import {
  ConfigurationError,
  DEFAULT_QUEUE_CONCURRENCY,
  MAX_NAMED_QUEUES,
  noopMetricsSink,
  resolveQueueSettings,
  StoreUnavailableError,
  type MetricsSink,
  type QueueSettings,
  type RateLimiter,
  type ResolvedQueueSettings,
  type RunJob,
  type RunQueue,
} from "@neonhub/core";
import { DelayedError, Queue, WaitingError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { redisConnectionOptions } from "./redis-connection-options.js";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";

/** Options of {@link createBullmqRunQueue}. */
export interface BullmqRunQueueOptions {
  /** Redis URL (`redis://` or `rediss://`); every instance of the host must use the same one. */
  redisUrl: string;
  /** Prefix of every BullMQ key (`<prefix>:<queue>:...`); instances that share work use the same one. Default `neonhub`. */
  prefix?: string;
  /** Settings of each named queue; a job of a queue not named here runs with the defaults. */
  queues?: Record<string, QueueSettings>;
  /** Concurrency, per instance, of queues whose settings give none. Default 8. */
  concurrency?: number;
  metrics?: MetricsSink;
  /**
   * Paces queues limited per organization. Default: a Redis limiter on this queue's connection, which paces from
   * memory, per instance, while Redis is away or does not answer within 250 ms, so a job is never held by it longer.
   * Its windows are whole seconds, so with it a per-organization `windowMs` must be a multiple of 1000.
   */
  rateLimiter?: RateLimiter;
  /**
   * Whether this instance runs jobs. Default true; false only enqueues (an API-only process), and the jobs run on
   * the instances sharing the Redis and prefix that do consume. A consuming instance runs the queues named in
   * `queues` and those it added jobs to, so a process that only consumes names every queue of its agents.
   */
  consume?: boolean;
  /**
   * How long a job stays with an instance that stopped renewing its hold on it (it died) before another instance
   * takes it: BullMQ's lock duration, also its stalled-job check interval. Default 30,000 ms. Keep it near the run
   * lease: a job taken again while its run is under way starts nothing, since a run starts once.
   */
  lockMs?: number;
}

/** Run queues on BullMQ, with what a reconciler needs to put lost jobs back. */
export interface BullmqRunQueue extends RunQueue {
  /**
   * Puts a run back on its queue unless a job for it is waiting, delayed or active there; returns whether it did.
   * A job that ended while its run is still `QUEUED` (it did not start the run), or that Redis kept in none of the
   * queue's lists, is replaced.
   */
  restore(job: RunJob): Promise<boolean>;
  /** The named queues configured or used so far. */
  queueNames(): string[];
}

const DEFAULT_PREFIX = "neonhub";
/** BullMQ's own default lock duration and stalled-job interval. */
const DEFAULT_LOCK_MS = 30_000;
const MIN_LOCK_MS = 300;
/** Kept when the queue's settings say nothing: enough to inspect recent failures, bounded. */
const DEFAULT_KEEP_COMPLETED = 1_000;
const DEFAULT_KEEP_FAILED = 1_000;
const QUEUE_RETRY_AFTER_MS = 5_000;
const QUEUE_ADD_TIMEOUT_MS = 2_000;
/**
 * States in which no worker will take the job again: ended, or `unknown`, a job whose record Redis kept but that is
 * in none of the queue's lists (an eviction, a partial restore).
 */
const LOST_STATES = new Set(["completed", "failed", "unknown"]);
/**
 * A queue's depth is read at most this often: at once after a quiet period, and once more at the end of the
 * interval if jobs were added or ended meanwhile. Reading it after every job doubled the Lua scripts each job costs
 * Redis (BullMQ's own are one to add and one to finish).
 */
const DEPTH_READ_INTERVAL_MS = 250;
/**
 * While a queue's depth is not 0 it is read again this often: jobs that other instances run end without an event
 * here, so an instance that only enqueues (or that ran none of them) would otherwise keep the last depth it read.
 */
const DEPTH_RECHECK_MS = 1_000;

interface NamedQueue {
  name: string;
  settings: ResolvedQueueSettings;
  producer: Queue<RunJob>;
  worker: Worker<RunJob> | null;
  pending: number;
  /** Set while the depth was read less than {@link DEPTH_READ_INTERVAL_MS} ago; `stale` asks for one more read then. */
  depthCooldown: NodeJS.Timeout | null;
  stale: boolean;
  /** Set while a depth that was not 0 waits to be read again ({@link DEPTH_RECHECK_MS}). */
  depthRecheck: NodeJS.Timeout | null;
}

const withTimeout = async <T>(work: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  // Work that lands after this gave up is harmless: a job id is its run id, and a run starts once.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Queued runs on BullMQ, one BullMQ queue per named queue: any host instance sharing the Redis picks them up,
 * with each queue's concurrency (per instance), rate limit (BullMQ's limiter for the whole queue, or a Redis
 * limiter per organization that delays the job), retention and priority. The job id is the run id, so a run is
 * never queued twice. Workers start when the orchestrator hands over its executor (`start`), so jobs left in
 * Redis before a restart are picked up without a new `add`. With `consume: false` it only enqueues: API-only
 * processes hand their queued runs to worker processes this way.
 * @example
 * const queue = createBullmqRunQueue({ redisUrl, queues: { "sms.send": { concurrency: 4, rateLimit: { limit: 1, windowMs: 1_000, per: "organization" } } } });
 * const orchestrator = createOrchestrator({ agents, store, queue });
 */
export function createBullmqRunQueue(options: BullmqRunQueueOptions): BullmqRunQueue {
  const connection = redisConnectionOptions(options?.redisUrl);
  const defaultConcurrency = options.concurrency ?? DEFAULT_QUEUE_CONCURRENCY;
  // Checked here, not when a queue without settings is first used: that would refuse runs already accepted.
  if (!Number.isInteger(defaultConcurrency) || defaultConcurrency < 1) throw new ConfigurationError(`concurrency must be a positive integer, got ${String(defaultConcurrency)}.`);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(prefix)) throw new ConfigurationError("The queue prefix takes 1 to 100 letters, digits, '.', '_' and '-'.");
  const resolved = Object.entries(options.queues ?? {}).map(([name, settings]) => [name, resolveQueueSettings(name, settings, defaultConcurrency)] as const);
  if (resolved.length > MAX_NAMED_QUEUES) throw new ConfigurationError(`A run queue serves at most ${MAX_NAMED_QUEUES} named queues; ${resolved.length} are configured.`);
  // The default pace keeps its windows in Redis in whole seconds: it would pace a 500 ms window as a 1 s one.
  if (!options.rateLimiter) {
    for (const [name, { rateLimit }] of resolved) {
      if (rateLimit?.per === "organization" && rateLimit.windowMs % 1_000 !== 0) {
        throw new ConfigurationError(`Queue "${name}": rateLimit.windowMs must be whole seconds (a multiple of 1000) for a per-organization limit on Redis.`);
      }
    }
  }
  const metrics = options.metrics ?? noopMetricsSink;
  const consume = options.consume ?? true;
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  if (!Number.isInteger(lockMs) || lockMs < MIN_LOCK_MS) throw new ConfigurationError(`lockMs must be an integer of at least ${MIN_LOCK_MS} ms.`);
  // One connection for every producer, failing fast while Redis is away, so that a request is refused (503)
  // instead of hanging. Workers block on their own connections.
  const client = new Redis({ ...connection, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  client.on("error", () => undefined);
  const pace = options.rateLimiter ?? createRedisRateLimiter({ redis: client, keyPrefix: `${prefix}:pace` });
  const queues = new Map<string, NamedQueue>();
  let execute: ((job: RunJob) => Promise<void>) | null = null;
  let closed = false;
  // Draining: this instance takes no more jobs; the producers stay open, so runs it still executes can queue children.
  let paused = false;

  const readPending = async (queue: NamedQueue) => {
    try {
      queue.pending = await queue.producer.getJobCountByTypes("wait", "prioritized", "delayed");
      metrics.queueDepthChanged({ queue: queue.name, pending: queue.pending });
    } catch {
      // A depth that cannot be read now is read again after the next job, or at the recheck below.
    }
    if (queue.pending === 0 || queue.depthRecheck !== null || closed) return;
    queue.depthRecheck = setTimeout(() => {
      queue.depthRecheck = null;
      if (!closed) refreshPending(queue);
    }, DEPTH_RECHECK_MS);
    queue.depthRecheck.unref();
  };

  /** Reads the queue's depth now, or at the end of the current interval if it was read less than an interval ago. */
  const refreshPending = (queue: NamedQueue) => {
    if (queue.depthCooldown !== null) {
      queue.stale = true;
      return;
    }
    queue.stale = false;
    void readPending(queue);
    queue.depthCooldown = setTimeout(() => {
      queue.depthCooldown = null;
      if (queue.stale && !closed) refreshPending(queue);
    }, DEPTH_READ_INTERVAL_MS);
    queue.depthCooldown.unref();
  };

  /**
   * BullMQ still hands over a job it fetched just before the worker began to close, and a paced job may wait for its
   * pace while the instance begins to drain: such a job goes back to its queue at once, for another instance, rather
   * than starting a run that the drain does not know of and waits for without a deadline.
   */
  const handBackIfStopping = async (job: Job<RunJob>, token?: string) => {
    if (!paused && !closed) return;
    await job.moveToWait(token);
    throw new WaitingError();
  };

  const processJob = async (queue: NamedQueue, job: Job<RunJob>, token?: string) => {
    await handBackIfStopping(job, token);
    const { rateLimit } = queue.settings;
    if (rateLimit?.per === "organization") {
      const decision = await pace.consume(`${queue.name}\u0000${job.data.organizationId}`, { limit: rateLimit.limit, windowMs: rateLimit.windowMs });
      if (!decision.allowed) {
        // Only this organization's job waits; the others of the queue go on.
        await job.moveToDelayed(Date.now() + decision.retryAfterMs, token);
        throw new DelayedError();
      }
    }
    await handBackIfStopping(job, token);
    const { organizationId, runId, agentName, timeoutMs } = job.data;
    await execute?.({ organizationId, runId, queue: queue.name, ...(agentName === undefined ? {} : { agentName }), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  };

  const startWorker = (queue: NamedQueue) => {
    if (!consume || queue.worker || closed || paused || !execute) return;
    const { rateLimit, concurrency } = queue.settings;
    queue.worker = new Worker<RunJob>(queue.name, (job, token) => processJob(queue, job, token), {
      connection,
      prefix,
      concurrency,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      ...(rateLimit && rateLimit.per === "queue" ? { limiter: { max: rateLimit.limit, duration: rateLimit.windowMs } } : {}),
    });
    queue.worker.on("completed", () => refreshPending(queue));
    queue.worker.on("failed", () => refreshPending(queue));
    // Connection errors are retried by ioredis; the health check reports a lasting outage.
    queue.worker.on("error", () => undefined);
  };

  const declare = (name: string, settings: ResolvedQueueSettings): NamedQueue => {
    if (queues.size >= MAX_NAMED_QUEUES) throw new ConfigurationError(`A run queue serves at most ${MAX_NAMED_QUEUES} named queues.`);
    const producer = new Queue<RunJob>(name, { connection: client, prefix });
    producer.on("error", () => undefined);
    const queue: NamedQueue = { name, settings, producer, worker: null, pending: 0, depthCooldown: null, stale: false, depthRecheck: null };
    queues.set(name, queue);
    startWorker(queue);
    return queue;
  };
  for (const [name, settings] of resolved) declare(name, settings);
  const queueFor = (name: string) => queues.get(name) ?? declare(name, resolveQueueSettings(name, {}, defaultConcurrency));

  const addJob = (queue: NamedQueue, job: RunJob) =>
    queue.producer.add("run", { organizationId: job.organizationId, runId: job.runId, queue: queue.name, ...(job.agentName === undefined ? {} : { agentName: job.agentName }), ...(job.timeoutMs === undefined ? {} : { timeoutMs: job.timeoutMs }) }, {
      jobId: job.runId,
      removeOnComplete: { count: queue.settings.keepCompleted ?? DEFAULT_KEEP_COMPLETED },
      removeOnFail: { count: queue.settings.keepFailed ?? DEFAULT_KEEP_FAILED },
      ...(queue.settings.priority === null ? {} : { priority: queue.settings.priority }),
    });

  const unavailable = (error: unknown) =>
    new StoreUnavailableError("The run queue (Redis) cannot be reached; the run was not queued.", { cause: error, retryAfterMs: QUEUE_RETRY_AFTER_MS });

  return {
    durable: true,
    start(executeJob) {
      execute = executeJob;
      for (const queue of queues.values()) {
        startWorker(queue);
        refreshPending(queue);
      }
    },
    async pause() {
      paused = true;
      // A worker's close stops it fetching jobs at once and resolves once its active jobs have ended.
      await Promise.all([...queues.values()].map((queue) => queue.worker?.close()));
    },
    async add(job, executeJob) {
      if (closed) throw new ConfigurationError("The run queue is closed.");
      const queue = queueFor(job.queue);
      if (!execute) {
        execute = executeJob;
        for (const named of queues.values()) startWorker(named);
      }
      try {
        await withTimeout(addJob(queue, job), QUEUE_ADD_TIMEOUT_MS);
      } catch (error) {
        throw unavailable(error);
      }
      refreshPending(queue);
    },
    async restore(job) {
      if (closed) throw new ConfigurationError("The run queue is closed.");
      const queue = queueFor(job.queue);
      try {
        return await withTimeout(
          (async () => {
            const existing = await queue.producer.getJob(job.runId);
            if (existing) {
              const state = await existing.getState();
              if (!LOST_STATES.has(state)) return false;
              // Removed by another reconciler at the same moment: the add below finds the id free or taken, both fine.
              await existing.remove().catch(() => undefined);
            }
            await addJob(queue, job);
            return true;
          })(),
          QUEUE_ADD_TIMEOUT_MS,
        );
      } catch (error) {
        throw new StoreUnavailableError("The run queue (Redis) cannot be reached; the run was not put back.", { cause: error, retryAfterMs: QUEUE_RETRY_AFTER_MS });
      } finally {
        refreshPending(queue);
      }
    },
    pending: (name) => (name === undefined ? [...queues.values()].reduce((sum, queue) => sum + queue.pending, 0) : (queues.get(name)?.pending ?? 0)),
    queueNames: () => [...queues.keys()],
    async close() {
      closed = true;
      for (const queue of queues.values()) {
        if (queue.depthCooldown !== null) clearTimeout(queue.depthCooldown);
        if (queue.depthRecheck !== null) clearTimeout(queue.depthRecheck);
      }
      await Promise.all([...queues.values()].map((queue) => queue.worker?.close()));
      await Promise.all([...queues.values()].map((queue) => queue.producer.close()));
      await client.quit().catch(() => client.disconnect());
    },
  };
}
