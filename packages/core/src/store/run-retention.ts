import { ConfigurationError } from "../errors/errors.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { MetricsSink } from "../ports/metrics-sink.js";
import type { RunStore } from "../ports/run-store.js";
import { noopMetricsSink } from "../telemetry/noop-metrics-sink.js";
import { silentLogger } from "../telemetry/silent-logger.js";
import { systemClock } from "../telemetry/system-clock.js";
import { createPeriodicPass } from "../util/periodic-pass.js";

/** Options of {@link createRunRetention}. */
export interface RunRetentionOptions {
  store: Pick<RunStore, "deleteEndedRuns">;
  /** Ended runs created longer ago than this are deleted. At least one hour. */
  retentionMs: number;
  /** Time between passes when started. Default one hour. */
  intervalMs?: number;
  /** Runs deleted per call to the store (one statement each). Default 500. */
  batchSize?: number;
  /**
   * Most batches in one pass. Default: no limit, the pass goes on until it finds fewer than a batch, so that it keeps
   * up however many runs a deployment creates (each batch is its own statement; `stop` ends the pass between two).
   */
  maxBatchesPerPass?: number;
  clock?: Clock;
  logger?: Logger;
  /** Told of each pass (`run_retention`, with the runs deleted). */
  metrics?: Pick<MetricsSink, "backgroundPassFinished">;
}

/** Deletes ended runs past their retention, now or on an interval. */
export interface RunRetention {
  /** One pass; returns how many runs it deleted. Safe to run in several processes at once. */
  prune(): Promise<number>;
  /** Runs a pass at once and then every `intervalMs`, until `stop`. */
  start(): void;
  /** Stops the passes and waits for the one in progress. */
  stop(): Promise<void>;
}

export const DEFAULT_RETENTION_INTERVAL_MS = 3_600_000;
const MIN_RETENTION_MS = 3_600_000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_MAX_BATCHES_PER_PASS = Number.POSITIVE_INFINITY;

/**
 * Keeps the run history bounded: each pass deletes, in batches, the runs that ended and were created more than
 * `retentionMs` ago (see {@link RunStore.deleteEndedRuns}), until it has caught up or done `maxBatchesPerPass`
 * batches; the next one goes on where it stopped. Failures are logged and retried at the next pass.
 * @example
 * const retention = createRunRetention({ store, retentionMs: 30 * 86_400_000 });
 * retention.start();
 */
export function createRunRetention(options: RunRetentionOptions): RunRetention {
  if (typeof options?.store?.deleteEndedRuns !== "function") throw new ConfigurationError("createRunRetention needs a run store.");
  const { retentionMs, intervalMs = DEFAULT_RETENTION_INTERVAL_MS, batchSize = DEFAULT_BATCH_SIZE, maxBatchesPerPass = DEFAULT_MAX_BATCHES_PER_PASS } = options;
  if (!Number.isInteger(retentionMs) || retentionMs < MIN_RETENTION_MS) throw new ConfigurationError("retentionMs must be a whole number of milliseconds, one hour or more.");
  if (!Number.isInteger(intervalMs) || intervalMs < 1_000) throw new ConfigurationError("intervalMs must be a whole number of milliseconds, one second or more.");
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000) throw new ConfigurationError("batchSize must be an integer from 1 to 1,000.");
  if (maxBatchesPerPass !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxBatchesPerPass) || maxBatchesPerPass < 1)) {
    throw new ConfigurationError("maxBatchesPerPass must be a positive integer or Infinity.");
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noopMetricsSink;

  /** One pass; a pass of the interval also ends between batches once stopped. */
  const prunePass = async (interrupted: () => boolean): Promise<number> => {
    const createdBefore = new Date(clock.now() - retentionMs);
    let deleted = 0;
    try {
      for (let batch = 0; batch < maxBatchesPerPass && !interrupted(); batch += 1) {
        const count = await options.store.deleteEndedRuns({ createdBefore, limit: batchSize });
        deleted += count;
        if (count < batchSize) break;
      }
    } catch (error) {
      metrics.backgroundPassFinished({ task: "run_retention", outcome: "failed", items: deleted });
      throw error;
    }
    metrics.backgroundPassFinished({ task: "run_retention", outcome: "succeeded", items: deleted });
    if (deleted > 0) logger.info({ deleted, createdBefore: createdBefore.toISOString() }, "deleted ended runs past their retention");
    return deleted;
  };

  const passes = createPeriodicPass({
    clock,
    intervalMs,
    runAtStart: true,
    pass: prunePass,
    onError: (error) => logger.warn({ err: { message: (error as Error).message } }, "run retention pass failed; retrying at the next pass"),
  });

  return { prune: () => prunePass(() => false), start: passes.start, stop: passes.stop };
}
