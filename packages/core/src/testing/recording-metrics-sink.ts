import type { MetricsSink } from "../ports/metrics-sink.js";

/** One event received by a {@link RecordingMetricsSink}. */
export type RecordedMetricEvent = {
  [Method in keyof MetricsSink]-?: { type: Method; event: Parameters<NonNullable<MetricsSink[Method]>>[0] };
}[keyof MetricsSink];

/** A metrics sink that keeps every event, to assert on. */
export interface RecordingMetricsSink extends Required<MetricsSink> {
  readonly events: RecordedMetricEvent[];
  /** The events of one type. */
  ofType<Type extends keyof MetricsSink>(type: Type): Array<Parameters<NonNullable<MetricsSink[Type]>>[0]>;
}

/** Creates a metrics sink that records its calls. */
export function createRecordingMetricsSink(): RecordingMetricsSink {
  const events: RecordedMetricEvent[] = [];
  const record =
    <Type extends keyof MetricsSink>(type: Type) =>
    (event: Parameters<NonNullable<MetricsSink[Type]>>[0]) =>
      void events.push({ type, event } as RecordedMetricEvent);
  return {
    events,
    ofType: (type) => events.filter((entry) => entry.type === type).map((entry) => entry.event) as never,
    runFinished: record("runFinished"),
    retryScheduled: record("retryScheduled"),
    breakerStateChanged: record("breakerStateChanged"),
    breakerOpenOrganizationsChanged: record("breakerOpenOrganizationsChanged"),
    breakerFailure: record("breakerFailure"),
    rateLimited: record("rateLimited"),
    toolExecutionFinished: record("toolExecutionFinished"),
    queueDepthChanged: record("queueDepthChanged"),
    connectionRefreshed: record("connectionRefreshed"),
    backgroundPassFinished: record("backgroundPassFinished"),
    runTakenOver: record("runTakenOver"),
  };
}
