/** A queued run to execute. */
export interface RunJob {
  organizationId: string;
  runId: string;
}

/**
 * Carries queued runs (`enqueue`) to a worker that executes them. The default keeps them in process; a host can
 * put them on BullMQ so that any instance picks them up.
 */
export interface RunQueue {
  /** True when queued jobs survive a restart (BullMQ); an in-process queue's leftovers are cancelled on drain. */
  readonly durable: boolean;
  /**
   * Called once when the orchestrator is created, with what a worker must call for each job, so that a durable
   * queue can resume jobs left from before a restart without waiting for a new `add`.
   */
  start?(execute: (job: RunJob) => Promise<void>): void;
  /** Hands a run to the queue. `execute` is what a worker must call for it. */
  add(job: RunJob, execute: (job: RunJob) => Promise<void>): Promise<void>;
  /** Jobs waiting, for the `queue_jobs_pending` metric. */
  pending(): number;
  /** Stops taking jobs and waits for those started to end. */
  close(): Promise<void>;
}
