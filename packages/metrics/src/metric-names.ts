/** Prefix of every metric unless another is given. */
export const DEFAULT_METRIC_PREFIX = "neonhub_";

/**
 * Names of the metrics, without the prefix. With the default prefix, `agentRuns` is exported as
 * `neonhub_agent_runs_total`.
 */
export const METRIC_NAMES = Object.freeze({
  agentRuns: "agent_runs_total",
  agentRunDuration: "agent_run_duration_seconds",
  agentRunAttempts: "agent_run_attempts_total",
  agentRunRetries: "agent_run_retries_total",
  agentRunTakeovers: "agent_run_takeovers_total",
  circuitBreakerState: "circuit_breaker_state",
  circuitBreakerFailures: "circuit_breaker_failures_total",
  circuitBreakerTransitions: "circuit_breaker_transitions_total",
  circuitBreakerOpenOrganizations: "circuit_breaker_open_organizations",
  connectorCircuitBreakerState: "connector_circuit_breaker_state",
  connectorCircuitBreakerFailures: "connector_circuit_breaker_failures_total",
  connectorCircuitBreakerTransitions: "connector_circuit_breaker_transitions_total",
  rateLimited: "rate_limited_total",
  toolExecutions: "tool_executions_total",
  toolExecutionDuration: "tool_execution_duration_seconds",
  queueJobsPending: "queue_jobs_pending",
  connectorApiVersionDeprecated: "connector_api_version_deprecated",
  connectorApiVersionSunsetTimestamp: "connector_api_version_sunset_timestamp_seconds",
  connections: "connections",
  connectionRefreshes: "connection_refreshes_total",
  backgroundPasses: "background_passes_total",
  backgroundPassItems: "background_pass_items_total",
  backgroundPassLastSuccess: "background_pass_last_success_timestamp_seconds",
  scrapeCollectFailures: "scrape_collect_failures_total",
  clockOffset: "clock_offset_seconds",
});

/**
 * Buckets of `agent_run_duration_seconds`: from 5 ms (an agent answering from memory) to 10 minutes (a long
 * chain of model and connector calls with retries).
 */
export const DEFAULT_RUN_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
]);

/** Buckets of `tool_execution_duration_seconds`: from 1 ms (a mock) to 2 minutes (a slow provider). */
export const DEFAULT_TOOL_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
]);

/** Value of the breaker state gauges for each state. */
export const BREAKER_STATE_VALUES = Object.freeze({ closed: 0, half_open: 1, open: 2 });

/** Label value that stands for every name beyond the allowed ones. */
export const OTHER_LABEL_VALUE = "other";

/** Distinct values each label (agent, connector, action, queue) takes beyond the known names, by default. */
export const DEFAULT_MAX_LABEL_VALUES = 100;

/** Outcomes of OAuth2 token refreshes, the values of the `outcome` label of `connection_refreshes_total`. */
export const REFRESH_OUTCOMES: readonly string[] = Object.freeze(["refreshed", "reused", "rejected", "failed"]);

/** What became of runs taken over, the values of the `outcome` label of `agent_run_takeovers_total`. */
export const TAKEOVER_OUTCOMES: readonly string[] = Object.freeze(["resumed", "failed"]);

/** Periodic background work, the values of the `task` label of the `background_pass_*` metrics. */
export const BACKGROUND_TASKS: readonly string[] = Object.freeze(["run_retention", "queued_run_reconciliation", "schedules"]);

/**
 * How long a scrape waits, by default, for what it reads from the database (the connection counts) before it answers
 * without those series. Prometheus's default scrape timeout is 10 s.
 */
export const DEFAULT_COLLECT_TIMEOUT_MS = 2_000;

/** Statuses of connections, the values of the `status` label of `connections`. */
export const CONNECTION_STATUSES: readonly string[] = Object.freeze(["ACTIVE", "EXPIRED", "REVOKED", "ERROR"]);
