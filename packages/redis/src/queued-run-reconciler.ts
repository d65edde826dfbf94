import {
  ConfigurationError,
  createPeriodicPass,
  DEFAULT_RUN_QUEUE,
  noopMetricsSink,
  silentLogger,
  systemClock,
  type AgentDefinition,
  type Clock,
  type ListQueuedRunsInput,
  type Logger,
  MAX_QUEUED_RUNS_PAGE,
  type MetricsSink,
  type RunJob,
  type RunStore,
} from "@neonhub/core";

/** Options of {@link createQueuedRunReconciler}. */
export interface QueuedRunReconcilerOptions {
  /** The run store, the record of what was accepted. */
  store: Pick<RunStore, "listQueuedRuns">;
  /** The queue to compare with and put runs back on. */
  queue: { restore(job: RunJob): Promise<boolean> };
  /** The agents served, for the queue each run belongs to; runs of other agents go to `runs`. */
  agents: readonly Pick<AgentDefinition, "name" | "queue">[];
  /**
   * A run `QUEUED` for longer than this is checked against the queue. It must exceed the time an accepted run
   * takes to reach the queue (a few milliseconds; at most the queue's 2-second add timeout). Default 30 s.
   */
  delayMs?: number;
  /** Time between passes when started. Default 15 s. */
  intervalMs?: number;
  /**
   * Queued runs read per page. A pass checks at most 10 pages' worth (5,000 runs by default); the next pass goes on
   * from the run where it stopped, wrapping around to the oldest. At most 1,000 (`MAX_QUEUED_RUNS_PAGE`, the most a
   * store lists at once). Default 500.
   */
  pageSize?: number;
  clock?: Clock;
  logger?: Logger;
  /** Told of each pass (`queued_run_reconciliation`, with the runs put back). */
  metrics?: Pick<MetricsSink, "backgroundPassFinished">;
}

/** What one pass found. */
export interface ReconcileResult {
  /** Runs queued for longer than the delay that were compared with the queue. */
  checked: number;
  /** Ids of the runs put back on their queue. */
  restored: string[];
}

/** Compares the runs the store holds as `QUEUED` with the queue and puts back those the queue lost. */
export interface QueuedRunReconciler {
  /** One pass; safe to run on several instances at once (a job id is its run id). */
  reconcile(): Promise<ReconcileResult>;
  /** Runs a pass every `intervalMs` until `stop`. */
  start(): void;
  /** Stops the passes and waits for the one in progress. */
  stop(): Promise<void>;
}

export const DEFAULT_RECONCILE_DELAY_MS = 30_000;
export const DEFAULT_RECONCILE_INTERVAL_MS = 15_000;
const DEFAULT_PAGE_SIZE = 500;
const MAX_PAGES_PER_PASS = 10;

type QueuedRunPosition = NonNullable<ListQueuedRunsInput["after"]>;

/**
 * The run store (PostgreSQL) is the record of what was accepted; Redis may lose its data (a restart of a Redis
 * that keeps nothing on disk, a flush, a failover). Each pass lists the runs `QUEUED` for longer than `delayMs`
 * and puts back on their queue those that have no job there. A run put back twice still starts once: the job id
 * is the run id, and only a `QUEUED` run can start. A pass checks at most `10 × pageSize` runs, oldest first from
 * where the last pass stopped, and wraps around to the oldest at the end; with N runs `QUEUED` for longer than
 * `delayMs`, each is checked once every ⌈N / (10 × pageSize)⌉ passes. So a lost run is queued again within
 * `delayMs + ⌈N / (10 × pageSize)⌉ × intervalMs`: `delayMs + intervalMs` while N is at most 5,000 with the defaults.
 * @example
 * const reconciler = createQueuedRunReconciler({ store, queue, agents });
 * reconciler.start();
 */
export function createQueuedRunReconciler(options: QueuedRunReconcilerOptions): QueuedRunReconciler {
  if (typeof options?.store?.listQueuedRuns !== "function") throw new ConfigurationError("createQueuedRunReconciler needs a run store.");
  if (typeof options.queue?.restore !== "function") throw new ConfigurationError("createQueuedRunReconciler needs a queue that can restore jobs.");
  const delayMs = options.delayMs ?? DEFAULT_RECONCILE_DELAY_MS;
  const intervalMs = options.intervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  for (const [name, value] of Object.entries({ delayMs, intervalMs, pageSize })) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigurationError(`Reconciler ${name} must be a positive integer.`);
  }
  // A larger page would be refused by the store at every pass, so no lost run would ever be put back.
  if (pageSize > MAX_QUEUED_RUNS_PAGE) throw new ConfigurationError(`Reconciler pageSize must be at most ${MAX_QUEUED_RUNS_PAGE}, got ${pageSize}.`);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noopMetricsSink;
  const runsPerPass = MAX_PAGES_PER_PASS * pageSize;
  const queueOf = new Map(options.agents.map((agent) => [agent.name, agent.queue ?? DEFAULT_RUN_QUEUE]));

  /** The last run checked: the next pass goes on after it, so a backlog longer than one pass is still gone through. */
  let cursor: QueuedRunPosition | undefined;

  /** Returns the runs checked; fills `restored` as it goes, so that a pass failing half-way still reports those. */
  const comparePass = async (restored: string[]): Promise<number> => {
    const createdBefore = new Date(clock.now() - delayMs);
    const checked = new Set<string>();
    // A pass that starts at the oldest run ends at the newest; one that starts further on wraps around once.
    let wrapped = cursor === undefined;
    let after = cursor;
    while (checked.size < runsPerPass) {
      const limit = Math.min(pageSize, runsPerPass - checked.size);
      const runs = await options.store.listQueuedRuns({ createdBefore, limit, ...(after ? { after } : {}) });
      for (const run of runs) {
        // Back at a run this pass checked: every run waiting longer than the delay was checked once.
        if (checked.has(run.runId)) return checked.size;
        checked.add(run.runId);
        const job = { organizationId: run.organizationId, runId: run.runId, queue: queueOf.get(run.agentName) ?? DEFAULT_RUN_QUEUE, agentName: run.agentName };
        if (await options.queue.restore(job)) restored.push(run.runId);
        after = { createdAt: run.createdAt, runId: run.runId };
        cursor = after;
      }
      if (runs.length < limit) {
        if (wrapped) {
          cursor = undefined;
          break;
        }
        wrapped = true;
        after = undefined;
      }
    }
    return checked.size;
  };

  const reconcile = async (): Promise<ReconcileResult> => {
    const restored: string[] = [];
    let checked: number;
    try {
      checked = await comparePass(restored);
    } catch (error) {
      metrics.backgroundPassFinished({ task: "queued_run_reconciliation", outcome: "failed", items: restored.length });
      throw error;
    } finally {
      if (restored.length > 0) logger.warn({ restored: restored.length, runIds: restored.slice(0, 20) }, "put queued runs the queue had lost back on it");
    }
    metrics.backgroundPassFinished({ task: "queued_run_reconciliation", outcome: "succeeded", items: restored.length });
    return { checked, restored };
  };

  const passes = createPeriodicPass({
    clock,
    intervalMs,
    runAtStart: false,
    pass: reconcile,
    onError: (error) => logger.warn({ err: { message: (error as Error).message } }, "queued run reconciliation failed; retrying at the next pass"),
  });

  return { reconcile, start: passes.start, stop: passes.stop };
}
