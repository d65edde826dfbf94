export { createPrometheusMetrics } from "./create-prometheus-metrics.js";
export type { PrometheusMetrics, PrometheusMetricsOptions } from "./create-prometheus-metrics.js";
export type { PrometheusRegistry } from "./prometheus-registry.js";
export type { ConnectorApiVersionReading } from "./connector-api-version-gauges.js";
export type { ConnectionCountSource } from "./create-instruments.js";
export { createMetricsHandler } from "./create-metrics-handler.js";
export { createPinoLogger } from "./create-pino-logger.js";
export type { PinoLoggerOptions } from "./create-pino-logger.js";
export {
  BREAKER_STATE_VALUES,
  DEFAULT_COLLECT_TIMEOUT_MS,
  DEFAULT_MAX_LABEL_VALUES,
  DEFAULT_METRIC_PREFIX,
  DEFAULT_RUN_DURATION_BUCKETS,
  DEFAULT_TOOL_DURATION_BUCKETS,
  METRIC_NAMES,
  OTHER_LABEL_VALUE,
} from "./metric-names.js";
