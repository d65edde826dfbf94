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

/** The jobs of one organization waiting in a queue paced per organization, in arrival order. */
interface OrganizationLine {
  /** Its window in the pace limiter. */
  paceKey: string;
  jobs: PendingJob[];
  /** Its window refuses jobs until then, so it is not asked again before. */
  heldUntil: number;
}

interface NamedQueue {
  name: string;
  settings: ResolvedQueueSettings;
  /** Waiting jobs in arrival order; empty when the queue is paced per organization. */
  waiting: PendingJob[];
  /**
   * With a per-organization pace, each organization's waiting jobs, organizations in turn: one that starts a job
   * goes to the back, and one that is held never blocks another however many jobs it has waiting.
   */
  lines: Map<string, OrganizationLine>;
  /** Jobs waiting, in `waiting` or in `lines`. */
  size: number;
  running: number;
  cancelWake: (() => void) | null;
  /** When the scheduled wake fires: a job whose window ends sooner brings it forward. */
  wakeAt: number;
}

/** Organizations whose windows are tracked at once per process; an evicted one starts a fresh window. */
const MAX_PACED_KEYS = 10_000;

/**
 * Named queues in process memory, the embedded default. Each queue runs up to its `concurrency` jobs at once and
 * starts at most its `rateLimit`; a job over the limit waits. When the limit is per organization, organizations
 * take turns at the queue's slots and a held one never holds back another's jobs. At most `maxPending` jobs wait in all; beyond that `add` rejects with `RATE_LIMITED`.
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
  // Draining: jobs are still added, but none is started.
  let paused = false;

  const declare = (name: string, settings?: QueueSettings): NamedQueue => {
    if (queues.size >= MAX_NAMED_QUEUES) throw new ConfigurationError(`A run queue serves at most ${MAX_NAMED_QUEUES} named queues.`);
    const queue: NamedQueue = { name, settings: resolveQueueSettings(name, settings, defaultConcurrency), waiting: [], lines: new Map(), size: 0, running: 0, cancelWake: null, wakeAt: 0 };
    queues.set(name, queue);
    byPriority = [...queues.values()].sort((a, b) => (a.settings.priority ?? Number.MAX_SAFE_INTEGER) - (b.settings.priority ?? Number.MAX_SAFE_INTEGER));
    return queue;
  };
  const report = (queue: NamedQueue) => metrics.queueDepthChanged({ queue: queue.name, pending: queue.size });
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
    queue.size -= 1;
    pendingTotal -= 1;
    const task = next.execute(next.job).catch(() => undefined);
    running.add(task);
    void task.finally(() => {
      running.delete(task);
      queue.running -= 1;
      pump();
    });
  };

  const hasRoom = (queue: NamedQueue) => queue.running < queue.settings.concurrency && running.size < maxConcurrency;

  /** Starts what the queue's concurrency, pace and the shared cap allow. */
  const drainQueue = (queue: NamedQueue): void => {
    const { rateLimit } = queue.settings;
    if (rateLimit?.per === "organization") return drainByOrganization(queue, { limit: rateLimit.limit, windowMs: rateLimit.windowMs });
    while (hasRoom(queue) && queue.waiting.length > 0) {
      if (rateLimit) {
        const decision = pace.consume(queue.name, { limit: rateLimit.limit, windowMs: rateLimit.windowMs });
        if (!decision.allowed) return wakeLater(queue, decision.retryAfterMs);
      }
      launch(queue, queue.waiting.shift() as PendingJob);
    }
  };

  /** Gives each organization whose window allows it a job in turn; held ones wait for their own window. */
  const drainByOrganization = (queue: NamedQueue, rule: { limit: number; windowMs: number }): void => {
    const now = clock.now();
    let wakeInMs = Number.POSITIVE_INFINITY;
    // An organization that starts a job is moved to the back, so this loop may visit it again: each visit starts a
    // job (as many as there is room for) or finds it held (once), so it ends.
    for (const [organizationId, line] of queue.lines) {
      if (!hasRoom(queue)) return;
      if (line.heldUntil <= now) {
        const decision = pace.consume(line.paceKey, rule);
        if (decision.allowed) {
          queue.lines.delete(organizationId);
          if (line.jobs.length > 1) queue.lines.set(organizationId, line);
          launch(queue, line.jobs.shift() as PendingJob);
          continue;
        }
        line.heldUntil = now + decision.retryAfterMs;
      }
      wakeInMs = Math.min(wakeInMs, line.heldUntil - now);
    }
    if (wakeInMs !== Number.POSITIVE_INFINITY) wakeLater(queue, wakeInMs);
  };

  const pump = (): void => {
    if (paused) return;
    for (const queue of byPriority) {
      const before = queue.size;
      if (before > 0) drainQueue(queue);
      if (queue.size !== before) report(queue);
    }
  };

  return {
    durable: false,
    async add(job, execute) {
      if (closed) throw new ConfigurationError("The run queue is closed.");
      const queue = queues.get(job.queue) ?? declare(job.queue);
      if (pendingTotal >= maxPending) throw new RateLimitedError("Too many queued runs; try again later.", 1_000);
      const pending = { job, execute };
      if (queue.settings.rateLimit?.per === "organization") {
        const line = queue.lines.get(job.organizationId);
        if (line) line.jobs.push(pending);
        else queue.lines.set(job.organizationId, { paceKey: `${queue.name}\u0000${job.organizationId}`, jobs: [pending], heldUntil: 0 });
      } else {
        queue.waiting.push(pending);
      }
      queue.size += 1;
      pendingTotal += 1;
      report(queue);
      pump();
    },
    pending: (name) => (name === undefined ? pendingTotal : (queues.get(name)?.size ?? 0)),
    async pause() {
      paused = true;
      for (const queue of queues.values()) {
        queue.cancelWake?.();
        queue.cancelWake = null;
      }
    },
    async close() {
      closed = true;
      for (const queue of queues.values()) {
        queue.cancelWake?.();
        queue.cancelWake = null;
        pendingTotal -= queue.size;
        queue.waiting.length = 0;
        queue.lines.clear();
        queue.size = 0;
        report(queue);
      }
      await Promise.all(running);
    },
  };
}
