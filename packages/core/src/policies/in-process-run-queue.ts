import { ConfigurationError, RateLimitedError } from "../errors/errors.js";
import type { Clock } from "../ports/clock.js";
import type { MetricsSink } from "../ports/metrics-sink.js";
import type { QueueSettings, RunJob, RunQueue } from "../ports/run-queue.js";
import { noopMetricsSink } from "../telemetry/noop-metrics-sink.js";
import { systemClock } from "../telemetry/system-clock.js";
import { createMemoryRateLimiter } from "./memory-rate-limiter.js";
import { DEFAULT_QUEUE_CONCURRENCY, MAX_NAMED_QUEUES, resolveQueueSettings, type ResolvedQueueSettings } from "./queue-settings.js";

/** Options of {@link createInProcessRunQueue}. */
export interface InProcessRunQueueOptions {
  /** Settings of each named queue. A job of a queue not named here runs with the defaults. */
  queues?: Record<string, QueueSettings>;
  /** Concurrency of queues whose settings give none. Default 8. */
  concurrency?: number;
  /** Jobs executing at once across every queue; free slots go to queues by `priority`. Default: no cap. */
  maxConcurrency?: number;
  /** Jobs waiting at most, across every queue; beyond that `add` rejects with `RATE_LIMITED`. Default 10,000. */
  maxPending?: number;
  metrics?: MetricsSink;
  clock?: Clock;
}

interface PendingJob {
  job: RunJob;
  execute: (job: RunJob) => Promise<void>;
}

interface NamedQueue {
  name: string;
  settings: ResolvedQueueSettings;
  waiting: PendingJob[];
  running: number;
  cancelWake: (() => void) | null;
  /** When the scheduled wake fires: a job whose window ends sooner brings it forward. */
  wakeAt: number;
}

/** Waiting jobs one pass looks through for an organization whose pace lets it start. */
const SCAN_LIMIT = 1_000;
/** Organizations whose windows are tracked at once per process; an evicted one starts a fresh window. */
const MAX_PACED_KEYS = 10_000;

/**
 * Named queues in process memory, the embedded default. Each queue runs up to its `concurrency` jobs at once and
 * starts at most its `rateLimit`; a job over the limit waits (other organizations' jobs pass it when the limit
 * is per organization). At most `maxPending` jobs wait in all; beyond that `add` rejects with `RATE_LIMITED`.
 * Jobs are lost if the process dies; their runs stay `QUEUED`. Retention settings do not apply: nothing is kept.
 */
export function createInProcessRunQueue(options: InProcessRunQueueOptions = {}): RunQueue {
  const defaultConcurrency = options.concurrency ?? DEFAULT_QUEUE_CONCURRENCY;
  const maxPending = options.maxPending ?? 10_000;
  const maxConcurrency = options.maxConcurrency ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(defaultConcurrency) || defaultConcurrency < 1) throw new ConfigurationError("Queue concurrency must be a positive integer.");
  if (!Number.isInteger(maxPending) || maxPending < 1) throw new ConfigurationError("Queue maxPending must be a positive integer.");
  if (options.maxConcurrency !== undefined && (!Number.isInteger(maxConcurrency) || maxConcurrency < 1)) throw new ConfigurationError("Queue maxConcurrency must be a positive integer.");
  const metrics = options.metrics ?? noopMetricsSink;
  const clock = options.clock ?? systemClock;
  const pace = createMemoryRateLimiter({ maxKeys: MAX_PACED_KEYS, clock });
  const queues = new Map<string, NamedQueue>();
  // Visited in this order on every pass, so that a shared cap serves the most urgent queue first.
  let byPriority: NamedQueue[] = [];
  const running = new Set<Promise<void>>();
  let pendingTotal = 0;
  let closed = false;

  const declare = (name: string, settings?: QueueSettings): NamedQueue => {
    if (queues.size >= MAX_NAMED_QUEUES) throw new ConfigurationError(`A run queue serves at most ${MAX_NAMED_QUEUES} named queues.`);
    const queue: NamedQueue = { name, settings: resolveQueueSettings(name, settings, defaultConcurrency), waiting: [], running: 0, cancelWake: null, wakeAt: 0 };
    queues.set(name, queue);
    byPriority = [...queues.values()].sort((a, b) => (a.settings.priority ?? Number.MAX_SAFE_INTEGER) - (b.settings.priority ?? Number.MAX_SAFE_INTEGER));
    return queue;
  };
  const report = (queue: NamedQueue) => metrics.queueDepthChanged({ queue: queue.name, pending: queue.waiting.length });
  // Configured queues report a depth before their first job, so that every one of them shows on a dashboard.
  for (const [name, settings] of Object.entries(options.queues ?? {})) report(declare(name, settings));

  const wakeLater = (queue: NamedQueue, ms: number) => {
    if (closed) return;
    const at = clock.now() + ms;
    if (queue.cancelWake) {
      if (queue.wakeAt <= at) return;
      queue.cancelWake();
    }
    queue.wakeAt = at;
    queue.cancelWake = clock.schedule(ms, () => {
      queue.cancelWake = null;
      pump();
    });
  };

  const launch = (queue: NamedQueue, next: PendingJob) => {
    queue.running += 1;
    pendingTotal -= 1;
    const task = next.execute(next.job).catch(() => undefined);
    running.add(task);
    void task.finally(() => {
      running.delete(task);
      queue.running -= 1;
      pump();
    });
  };

  /** Starts what the queue's concurrency, pace and the shared cap allow. */
  const drainQueue = (queue: NamedQueue): void => {
    const { rateLimit } = queue.settings;
    if (!rateLimit) {
      while (queue.running < queue.settings.concurrency && running.size < maxConcurrency && queue.waiting.length > 0) launch(queue, queue.waiting.shift() as PendingJob);
      return;
    }
    const rule = { limit: rateLimit.limit, windowMs: rateLimit.windowMs };
    const held = new Set<string>();
    let retryAfterMs = 0;
    for (let index = 0; index < queue.waiting.length && index < SCAN_LIMIT; ) {
      if (queue.running >= queue.settings.concurrency || running.size >= maxConcurrency) return;
      const candidate = queue.waiting[index] as PendingJob;
      const key = rateLimit.per === "organization" ? `${queue.name}\u0000${candidate.job.organizationId}` : queue.name;
      const decision = held.has(key) ? null : pace.consume(key, rule);
      if (decision?.allowed) {
        queue.waiting.splice(index, 1);
        launch(queue, candidate);
        continue;
      }
      if (decision) {
        held.add(key);
        retryAfterMs = retryAfterMs === 0 ? decision.retryAfterMs : Math.min(retryAfterMs, decision.retryAfterMs);
      }
      if (rateLimit.per !== "organization") break;
      index += 1;
    }
    if (retryAfterMs > 0) wakeLater(queue, retryAfterMs);
  };

  const pump = (): void => {
    for (const queue of byPriority) {
      const before = queue.waiting.length;
      if (before > 0) drainQueue(queue);
      if (queue.waiting.length !== before) report(queue);
    }
  };

  return {
    durable: false,
    async add(job, execute) {
      if (closed) throw new ConfigurationError("The run queue is closed.");
      const queue = queues.get(job.queue) ?? declare(job.queue);
      if (pendingTotal >= maxPending) throw new RateLimitedError("Too many queued runs; try again later.", 1_000);
      queue.waiting.push({ job, execute });
      pendingTotal += 1;
      report(queue);
      pump();
    },
    pending: (name) => (name === undefined ? pendingTotal : (queues.get(name)?.waiting.length ?? 0)),
    async close() {
      closed = true;
      for (const queue of queues.values()) {
        queue.cancelWake?.();
        queue.cancelWake = null;
        pendingTotal -= queue.waiting.length;
        queue.waiting.length = 0;
        report(queue);
      }
      await Promise.all(running);
    },
  };
}
