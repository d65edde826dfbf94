import { type Clock, type ClockOffset, ConfigurationError, type Logger, type MetricsSink, silentLogger, systemClock } from "@neonhub/core";
import { collectDefaultMetrics, Registry } from "prom-client";
import { type ClockOffsetSource, registerClockOffsetGauge } from "./clock-offset-gauge.js";
import { type ConnectorApiVersionReading, registerConnectorApiVersionGauges } from "./connector-api-version-gauges.js";
import { type ConnectionCountSource, createInstruments } from "./create-instruments.js";
import { LabelValueGuard } from "./label-value-guard.js";
import {
  DEFAULT_COLLECT_TIMEOUT_MS,
  DEFAULT_MAX_LABEL_VALUES,
  DEFAULT_METRIC_PREFIX,
  DEFAULT_RUN_DURATION_BUCKETS,
  DEFAULT_TOOL_DURATION_BUCKETS,
  METRIC_NAMES,
  TAKEOVER_OUTCOMES,
} from "./metric-names.js";
import { PrometheusMetricsSink } from "./prometheus-metrics-sink.js";
import type { PrometheusRegistry } from "./prometheus-registry.js";

/** Options of {@link createPrometheusMetrics}. Everything has a default. */
export interface PrometheusMetricsOptions {
  /** The prom-client registry to register on. Default: a new registry owned by these metrics (never the global one). */
  registry?: PrometheusRegistry;
  /** Prefix of every metric name. Default `neonhub_`. */
  prefix?: string;
  /**
   * Also export prom-client's default process and Node.js metrics (`process_cpu_seconds_total`,
   * `nodejs_eventloop_lag_seconds`, ...), unprefixed, without the three `nodejs_active_*_total` gauges that promtool
   * rejects (`sum(nodejs_active_handles)` gives the same). Default: true when the package creates the registry, false when
   * one is passed (it may already collect them).
   */
  collectDefaultMetrics?: boolean;
  /** Agent names that always get their own label value (for example the orchestrator's registered agents). */
  knownAgents?: Iterable<string>;
  /** Connector ids that always get their own label value (for example the connector catalog). */
  knownConnectors?: Iterable<string>;
  /** Connector action names that always get their own label value. */
  knownActions?: Iterable<string>;
  /** Queue names that always get their own label value. */
  knownQueues?: Iterable<string>;
  /**
   * How many other distinct values each of the `agent`, `connector`, `action` and `queue` labels accepts, first come
   * first served; later ones are counted under `other`. Default 100. Use 0 to accept only the known names.
   */
  maxLabelValues?: number;
  /**
   * Read at every scrape for the `connector_api_version_deprecated` and `connector_api_version_sunset_timestamp_seconds` gauges
   * (pass the connectors package's `checkApiVersions` over the registry). Without it those gauges have no series.
   */
  connectorApiVersions?: () => Iterable<ConnectorApiVersionReading>;
  /** Histogram buckets of run durations, in seconds. Default {@link DEFAULT_RUN_DURATION_BUCKETS}. */
  runDurationBuckets?: readonly number[];
  /** Histogram buckets of tool execution durations, in seconds. Default {@link DEFAULT_TOOL_DURATION_BUCKETS}. */
  toolDurationBuckets?: readonly number[];
  /**
   * How long a scrape waits for what it reads from the database (the connection counts of `observeConnections`),
   * in milliseconds. A reading that fails or takes longer is left out of that scrape (its series are missing), logged
   * and counted in `scrape_collect_failures_total`; the rest of the exposition is served. Default
   * {@link DEFAULT_COLLECT_TIMEOUT_MS} (2 s).
   */
  collectTimeoutMs?: number;
  /** Times `collectTimeoutMs`. Default the system clock. */
  clock?: Clock;
  /** Where readings that failed or timed out at a scrape are logged (`warn`). Default: nowhere. */
  logger?: Logger;
}

/** What {@link createPrometheusMetrics} returns. */
export interface PrometheusMetrics {
  /** The sink to pass to `createOrchestrator({ metrics })` and to connectors; it implements the optional methods too. */
  sink: Required<MetricsSink>;
  /** The registry holding the metrics. */
  registry: PrometheusRegistry;
  /** Content type to answer a scrape with. */
  contentType: string;
  /** The exposition in the Prometheus text format, to answer a scrape with. */
  render(): Promise<string>;
  /** Full names of the metrics this package registered (without prom-client's default metrics). */
  metricNames: readonly string[];
  /**
   * Sets where the `connections` gauge reads its counts at each scrape (the credential store's counts by connector
   * and status). Until then the gauge has no series. A scrape waits at most `collectTimeoutMs` for the counts and
   * goes on without the gauge's series when they fail or take longer.
   */
  observeConnections(source: ConnectionCountSource): void;
  /**
   * Sets where the `clock_offset_seconds` gauge reads this process's clock offset at each scrape: the latest
   * measurement of a `ClockSkewMonitor` (`() => monitor.latest()`), exported as the reference's clock minus this one's,
   * in seconds (negative when this clock runs ahead). Until then, and while it answers null, the gauge has no series.
   */
  observeClockOffset(source: () => ClockOffset | null): void;
  /**
   * Makes agent names known after creation, as `knownAgents` does: each gets its own label value without taking one
   * of `maxLabelValues`'s places, and its run and takeover counters and breaker state start at zero. For a process
   * whose agents are built after its metrics (their connectors report to the sink).
   */
  knowAgents(names: Iterable<string>): void;
}

const GAUGES_NAMED_LIKE_COUNTERS = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

const METRIC_PREFIX_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Creates the NeonHub metrics on a prom-client registry and a `MetricsSink` that feeds them.
 * @example
 * const metrics = createPrometheusMetrics({ knownAgents: agents.map((agent) => agent.name) });
 * const orchestrator = createOrchestrator({ agents, metrics: metrics.sink });
 * app.get("/metrics", async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()));
 * @throws ConfigurationError when an option is invalid or a metric name is already registered on the registry.
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const prefix = options.prefix ?? DEFAULT_METRIC_PREFIX;
  if (prefix !== "" && !METRIC_PREFIX_PATTERN.test(prefix)) {
    throw new ConfigurationError(`Metric prefix "${prefix}" is invalid: use letters, digits, "_" and ":", not starting with a digit.`);
  }
  const maxLabelValues = options.maxLabelValues ?? DEFAULT_MAX_LABEL_VALUES;
  if (!Number.isInteger(maxLabelValues) || maxLabelValues < 0) {
    throw new ConfigurationError(`maxLabelValues must be a non-negative integer, got ${String(maxLabelValues)}.`);
  }
  const runDurationBuckets = checkedBuckets("runDurationBuckets", options.runDurationBuckets ?? DEFAULT_RUN_DURATION_BUCKETS);
  const toolDurationBuckets = checkedBuckets("toolDurationBuckets", options.toolDurationBuckets ?? DEFAULT_TOOL_DURATION_BUCKETS);
  const collectTimeoutMs = options.collectTimeoutMs ?? DEFAULT_COLLECT_TIMEOUT_MS;
  if (!Number.isFinite(collectTimeoutMs) || collectTimeoutMs <= 0) {
    throw new ConfigurationError(`collectTimeoutMs must be a positive number of milliseconds, got ${String(collectTimeoutMs)}.`);
  }
  if (options.registry !== undefined && typeof options.registry.registerMetric !== "function") {
    throw new ConfigurationError("registry must be a prom-client Registry.");
  }

  const registry = (options.registry as Registry | undefined) ?? new Registry();
  const metricNames = Object.values(METRIC_NAMES).map((name) => `${prefix}${name}`);
  const taken = metricNames.filter((name) => registry.getSingleMetric(name) !== undefined);
  if (taken.length > 0) {
    throw new ConfigurationError(`The registry already holds ${taken.join(", ")}: create the metrics once per registry, or use another prefix.`);
  }
  const connectionCounts: { source: ConnectionCountSource | null } = { source: null };
  const clockOffset: { source: ClockOffsetSource | null } = { source: null };
  const connectorGuard = new LabelValueGuard(options.knownConnectors ?? [], maxLabelValues);
  const instruments = registerOrExplain(() =>
    createInstruments({
      registry,
      prefix,
      runDurationBuckets,
      toolDurationBuckets,
      connectionCounts,
      resolveConnector: (connector) => connectorGuard.resolve(connector),
      clock: options.clock ?? systemClock,
      collectTimeoutMs,
      logger: options.logger ?? silentLogger,
    }),
  );
  if (options.collectDefaultMetrics ?? options.registry === undefined) {
    registerOrExplain(() => collectDefaultMetrics({ register: registry }));
    // prom-client names these gauges `*_total`, which `promtool check metrics` rejects; `sum(nodejs_active_handles)`
    // and its siblings carry the same totals.
    for (const name of GAUGES_NAMED_LIKE_COUNTERS) registry.removeSingleMetric(name);
  }

  const guards = {
    agent: new LabelValueGuard(options.knownAgents ?? [], maxLabelValues),
    connector: connectorGuard,
    action: new LabelValueGuard(options.knownActions ?? [], maxLabelValues),
    queue: new LabelValueGuard(options.knownQueues ?? [], maxLabelValues),
  };
  registerOrExplain(() =>
    registerConnectorApiVersionGauges({
      registry,
      deprecatedName: `${prefix}${METRIC_NAMES.connectorApiVersionDeprecated}`,
      sunsetTimestampName: `${prefix}${METRIC_NAMES.connectorApiVersionSunsetTimestamp}`,
      readings: options.connectorApiVersions,
      connectorLabel: guards.connector,
    }),
  );
  registerOrExplain(() => registerClockOffsetGauge({ registry, name: `${prefix}${METRIC_NAMES.clockOffset}`, offset: clockOffset }));
  // Known names start at zero so that rates and "no runs" alerts work before the first event.
  const startAgentsAtZero = (agents: readonly string[]) => {
    for (const agent of agents) {
      instruments.circuitBreakerState.set({ agent }, 0);
      for (const status of ["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"]) instruments.agentRuns.cell({ agent, status });
      for (const outcome of TAKEOVER_OUTCOMES) instruments.agentRunTakeovers.cell({ agent, outcome });
    }
  };
  startAgentsAtZero(guards.agent.values());
  for (const connector of guards.connector.values()) instruments.connectorCircuitBreakerState.set({ connector }, 0);

  return {
    sink: new PrometheusMetricsSink(instruments, guards),
    registry: registry as PrometheusRegistry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    metricNames,
    observeConnections(source) {
      if (typeof source !== "function") throw new ConfigurationError("observeConnections needs a function that counts connections.");
      connectionCounts.source = source;
      // Start at zero so that `increase()` sees the first failure.
      for (const reason of ["timeout", "error"]) instruments.scrapeCollectFailures.cell({ collector: "connections", reason });
    },
    observeClockOffset(source) {
      if (typeof source !== "function") throw new ConfigurationError("observeClockOffset needs a function that answers the latest clock offset.");
      clockOffset.source = source;
    },
    knowAgents(names) {
      startAgentsAtZero(guards.agent.admit(names));
    },
  };
}

function checkedBuckets(option: string, buckets: readonly number[]): readonly number[] {
  const valid =
    Array.isArray(buckets) &&
    buckets.length > 0 &&
    buckets.every((bound, index) => Number.isFinite(bound) && bound > 0 && (index === 0 || bound > (buckets[index - 1] as number)));
  if (!valid) throw new ConfigurationError(`${option} must be a non-empty list of increasing positive numbers of seconds.`);
  return buckets;
}

function registerOrExplain<T>(register: () => T): T {
  try {
    return register();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(
      `Could not register the metrics on the registry (${reason}). Pass collectDefaultMetrics: false when the registry already collects the default metrics.`,
      { cause: error },
    );
  }
}
