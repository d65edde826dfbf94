/** Name of the queue that takes the runs of agents that declare none. */
export const DEFAULT_RUN_QUEUE = "runs";

/** A queued run to execute. */
export interface RunJob {
  organizationId: string;
  runId: string;
  /** The named queue that carries it: its agent's `queue`, or {@link DEFAULT_RUN_QUEUE}. */
  queue: string;
  /**
   * The run's agent. A job that carries it is started without reading the run first (the start itself refuses a
   * run that is no longer `QUEUED`); one without it, such as a job queued by an earlier version, reads the run.
   */
  agentName?: string;
  /**
   * The deadline the request gave (`timeoutMs`). The run's own `timeoutMs` comes first; this one is for runs stored
   * without it (queued by an earlier version). Without either, the run executes under its agent's `timeoutMs` policy.
   */
  timeoutMs?: number;
}

/** Pace of a named queue: at most `limit` jobs started per `windowMs`. */
export interface QueueRateLimit {
  limit: number;
  /** The window; whole seconds for a per-organization limit on BullMQ, whose Redis pace counts in seconds. */
  windowMs: number;
  /** `queue` (the default) paces the whole queue; `organization` paces each organization's jobs on their own. */
  per?: "queue" | "organization";
}

/** Settings of one named queue. Every field is optional; a queue not configured gets the defaults. */
export interface QueueSettings {
  /** Jobs of this queue executing at once, per process. Default 8. */
  concurrency?: number;
  /** Jobs started per window; a job over the limit waits its turn (it is never refused). */
  rateLimit?: QueueRateLimit;
  /** Finished jobs kept for inspection, where the queue keeps any (BullMQ). */
  keepCompleted?: number;
  /** Failed jobs kept for inspection, where the queue keeps any (BullMQ). */
  keepFailed?: number;
  /**
   * 1 (first) to 1,000 (last). Where queues share a process-wide cap, a free slot goes to the waiting job of the
   * queue with the lowest number; on BullMQ it is the priority its jobs carry. Default: none (after every queue
   * that has one).
   */
  priority?: number;
}

/**
 * Carries queued runs (`enqueue`) to a worker that executes them. The default keeps them in process; a host can
 * put them on BullMQ so that any instance picks them up. Jobs travel in named queues ({@link RunJob.queue}), each
 * with its own {@link QueueSettings}.
 */
export interface RunQueue {
  /** True when queued jobs survive a restart (BullMQ); an in-process queue's leftovers are cancelled on drain. */
  readonly durable: boolean;
  /**
   * Called once when the orchestrator is created, with what a worker must call for each job, so that a durable
   * queue can resume jobs left from before a restart without waiting for a new `add`.
   */
  start?(execute: (job: RunJob) => Promise<void>): void;
  /** Hands a run to its named queue. `execute` is what a worker must call for it. */
  add(job: RunJob, execute: (job: RunJob) => Promise<void>): Promise<void>;
  /** Jobs waiting in the named queue, or in every queue when no name is given, for the `queue_jobs_pending` metric. */
  pending(queue?: string): number;
  /**
   * Starts no more jobs here, when draining begins: jobs may still be added (a running run starting a child), and
   * stay queued, for other instances on a durable queue, or until `close` on an in-process one. Optional: a queue
   * without it keeps starting jobs until `close`.
   */
  pause?(): Promise<void>;
  /** Stops taking jobs and waits for those started to end. */
  close(): Promise<void>;
}
