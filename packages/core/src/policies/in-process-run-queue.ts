import { ConfigurationError, RateLimitedError } from "../errors/errors.js";
import type { MetricsSink } from "../ports/metrics-sink.js";
import type { RunJob, RunQueue } from "../ports/run-queue.js";
import { noopMetricsSink } from "../telemetry/noop-metrics-sink.js";

interface PendingJob {
  job: RunJob;
  execute: (job: RunJob) => Promise<void>;
}

/**
 * A queue in process memory: runs up to `concurrency` jobs at once and keeps at most `maxPending` waiting;
 * beyond that `add` rejects with `RATE_LIMITED`. Jobs are lost if the process dies; their runs stay `QUEUED`.
 */
export function createInProcessRunQueue(options: { concurrency?: number; maxPending?: number; metrics?: MetricsSink; name?: string } = {}): RunQueue {
  const concurrency = options.concurrency ?? 8;
  const maxPending = options.maxPending ?? 10_000;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigurationError("Queue concurrency must be a positive integer.");
  if (!Number.isInteger(maxPending) || maxPending < 1) throw new ConfigurationError("Queue maxPending must be a positive integer.");
  const metrics = options.metrics ?? noopMetricsSink;
  const queueName = options.name ?? "runs";
  const waiting: PendingJob[] = [];
  const running = new Set<Promise<void>>();
  let closed = false;

  const report = () => metrics.queueDepthChanged({ queue: queueName, pending: waiting.length });
  const pump = (): void => {
    while (running.size < concurrency && waiting.length > 0) {
      const next = waiting.shift() as PendingJob;
      const task = next.execute(next.job).catch(() => undefined);
      running.add(task);
      void task.finally(() => {
        running.delete(task);
        pump();
      });
    }
    report();
  };

  return {
    durable: false,
    async add(job, execute) {
      if (closed) throw new ConfigurationError("The run queue is closed.");
      if (waiting.length >= maxPending) throw new RateLimitedError("Too many queued runs; try again later.", 1_000);
      waiting.push({ job, execute });
      pump();
    },
    pending: () => waiting.length,
    async close() {
      closed = true;
      waiting.length = 0;
      report();
      await Promise.all(running);
    },
  };
}
