import type { MetricsSink } from "../ports/metrics-sink.js";

const ignore = (): void => undefined;

/** A metrics sink that drops everything; the default when none is given. */
export const noopMetricsSink: Required<MetricsSink> = Object.freeze({
  runFinished: ignore,
  retryScheduled: ignore,
  breakerStateChanged: ignore,
  breakerOpenOrganizationsChanged: ignore,
  breakerFailure: ignore,
  rateLimited: ignore,
  toolExecutionFinished: ignore,
  queueDepthChanged: ignore,
  connectionRefreshed: ignore,
  backgroundPassFinished: ignore,
  runTakenOver: ignore,
});
