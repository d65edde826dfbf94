import type { Clock, Logger } from "@neonhub/core";
import { Gauge, type Registry } from "prom-client";
import { AccumulatedCounter } from "./accumulated-counter.js";
import { AccumulatedHistogram } from "./accumulated-histogram.js";
import { boundScrapeReading } from "./bound-scrape-reading.js";
import { METRIC_NAMES } from "./metric-names.js";

/**
 * The metrics behind the sink, all on one prom-client registry: counters and histograms accumulate in plain numbers
 * (they sit on the path of every run), gauges are prom-client's own. Internal: no prom-client type is public.
 */
export interface Instruments {
  agentRuns: AccumulatedCounter<"agent" | "status">;
  agentRunDuration: AccumulatedHistogram<"agent" | "status">;
  agentRunAttempts: AccumulatedCounter<"agent">;
  agentRunRetries: AccumulatedCounter<"agent">;
  agentRunTakeovers: AccumulatedCounter<"agent" | "outcome">;
  circuitBreakerState: Gauge<"agent">;
  circuitBreakerFailures: AccumulatedCounter<"agent">;
  circuitBreakerTransitions: AccumulatedCounter<"agent" | "state">;
  circuitBreakerOpenOrganizations: Gauge<"agent">;
  connectorCircuitBreakerState: Gauge<"connector">;
  connectorCircuitBreakerFailures: AccumulatedCounter<"connector">;
  connectorCircuitBreakerTransitions: AccumulatedCounter<"connector" | "state">;
  rateLimited: AccumulatedCounter<"agent" | "scope">;
  toolExecutions: AccumulatedCounter<"connector" | "action" | "status">;
  toolExecutionDuration: AccumulatedHistogram<"connector" | "action">;
  queueJobsPending: Gauge<"queue">;
  connections: Gauge<"connector" | "status">;
  connectionRefreshes: AccumulatedCounter<"connector" | "outcome">;
  backgroundPasses: AccumulatedCounter<"task" | "outcome">;
  backgroundPassItems: AccumulatedCounter<"task">;
  backgroundPassLastSuccess: Gauge<"task">;
  scrapeCollectFailures: AccumulatedCounter<"collector" | "reason">;
}

/** Settings of {@link createInstruments}. */
export interface InstrumentSettings {
  registry: Registry;
  prefix: string;
  runDurationBuckets: readonly number[];
  toolDurationBuckets: readonly number[];
  /** Read at each scrape to set the `connections` gauge; empty until a source is given. */
  connectionCounts: { source: ConnectionCountSource | null };
  /** Bounds the `connector` label's values. */
  resolveConnector: (connector: string) => string;
  /** Times the wait for readings taken at scrape time. */
  clock: Clock;
  /** How long a scrape waits for the connection counts before it goes on without them. */
  collectTimeoutMs: number;
  /** Where a reading that failed or timed out is reported. */
  logger: Logger;
}

/** Counts connections by connector and status, for the `connections` gauge. */
export type ConnectionCountSource = () => Promise<ReadonlyArray<{ connector: string; status: string; count: number }>>;

/** Registers every metric of the design on the registry. Throws prom-client's error when a name is taken. */
export function createInstruments(settings: InstrumentSettings): Instruments {
  const { registry, prefix } = settings;
  const registers = [registry];
  const name = (key: keyof typeof METRIC_NAMES) => `${prefix}${METRIC_NAMES[key]}`;
  const counter = <Label extends string>(key: keyof typeof METRIC_NAMES, help: string, labelNames: readonly Label[]) =>
    new AccumulatedCounter<Label>({ registry, name: name(key), help, labelNames });
  const scrapeCollectFailures = counter(
    "scrapeCollectFailures",
    "Readings taken at scrape time that failed or did not answer in time, by collector and reason (timeout, error); the scrape went on without their series.",
    ["collector", "reason"],
  );
  const readConnectionCounts = boundScrapeReading("connections", () => (settings.connectionCounts.source as ConnectionCountSource)(), {
    clock: settings.clock,
    timeoutMs: settings.collectTimeoutMs,
    logger: settings.logger,
    failures: scrapeCollectFailures,
  });

  return {
    agentRuns: counter("agentRuns", "Agent runs that reached a final status (COMPLETED, FAILED, CANCELLED, TIMED_OUT).", ["agent", "status"]),
    agentRunDuration: new AccumulatedHistogram({
      registry,
      name: name("agentRunDuration"),
      help: "Duration of finished agent runs in seconds, all attempts included.",
      labelNames: ["agent", "status"],
      buckets: settings.runDurationBuckets,
    }),
    agentRunAttempts: counter("agentRunAttempts", "Attempts made by finished agent runs (1 per run plus one per retry).", ["agent"]),
    agentRunRetries: counter("agentRunRetries", "Retries scheduled after a transient failure of an attempt, counted when scheduled.", ["agent"]),
    agentRunTakeovers: counter(
      "agentRunTakeovers",
      "Runs taken over after their executor stopped renewing its lease (a process died or stalled), by outcome: resumed, or failed with TAKEOVER_LIMIT past maxTakeovers.",
      ["agent", "outcome"],
    ),
    circuitBreakerState: new Gauge({
      name: name("circuitBreakerState"),
      help: "State of an agent's circuit breaker: 0 closed, 1 half-open, 2 open.",
      labelNames: ["agent"],
      registers,
    }),
    circuitBreakerFailures: counter("circuitBreakerFailures", "Failed calls counted by an agent's circuit breaker.", ["agent"]),
    circuitBreakerTransitions: counter(
      "circuitBreakerTransitions",
      "State changes of an agent's circuit breaker, by the state entered (closed, half_open, open).",
      ["agent", "state"],
    ),
    circuitBreakerOpenOrganizations: new Gauge({
      name: name("circuitBreakerOpenOrganizations"),
      help: "Organizations whose circuit breaker of an organization-scoped agent is open.",
      labelNames: ["agent"],
      registers,
    }),
    connectorCircuitBreakerState: new Gauge({
      name: name("connectorCircuitBreakerState"),
      help: "State of a connector's circuit breaker: 0 closed, 1 half-open, 2 open.",
      labelNames: ["connector"],
      registers,
    }),
    connectorCircuitBreakerFailures: counter("connectorCircuitBreakerFailures", "Failed calls counted by a connector's circuit breaker.", ["connector"]),
    connectorCircuitBreakerTransitions: counter(
      "connectorCircuitBreakerTransitions",
      "State changes of a connector's circuit breaker, by the state entered (closed, half_open, open).",
      ["connector", "state"],
    ),
    rateLimited: counter("rateLimited", "Runs or calls rejected by a limit, by scope (admission, concurrency, connector).", ["agent", "scope"]),
    toolExecutions: counter("toolExecutions", "Tool executions (connector calls) that ended, by status (SUCCEEDED, FAILED).", ["connector", "action", "status"]),
    toolExecutionDuration: new AccumulatedHistogram({
      registry,
      name: name("toolExecutionDuration"),
      help: "Duration of tool executions (connector calls) in seconds.",
      labelNames: ["connector", "action"],
      buckets: settings.toolDurationBuckets,
    }),
    queueJobsPending: new Gauge({
      name: name("queueJobsPending"),
      help: "Jobs waiting in a run queue.",
      labelNames: ["queue"],
      registers,
    }),
    connections: new Gauge({
      name: name("connections"),
      help: "Organizations' connections by connector and status (ACTIVE, EXPIRED, REVOKED, ERROR), read at each scrape.",
      labelNames: ["connector", "status"],
      registers,
      async collect() {
        if (settings.connectionCounts.source === null) return;
        const counts = await readConnectionCounts();
        this.reset();
        for (const { connector, status, count } of counts ?? []) this.inc({ connector: settings.resolveConnector(connector), status }, count);
      },
    }),
    connectionRefreshes: counter(
      "connectionRefreshes",
      "OAuth2 token refreshes by outcome (refreshed, reused, rejected, failed).",
      ["connector", "outcome"],
    ),
    backgroundPasses: counter(
      "backgroundPasses",
      "Passes of periodic background work (run_retention, queued_run_reconciliation, schedules) by outcome (succeeded, failed).",
      ["task", "outcome"],
    ),
    backgroundPassItems: counter(
      "backgroundPassItems",
      "What background passes did: runs deleted (run_retention), runs put back on their queue (queued_run_reconciliation), scheduled runs started (schedules).",
      ["task"],
    ),
    backgroundPassLastSuccess: new Gauge({
      name: name("backgroundPassLastSuccess"),
      help: "Unix time in seconds when a pass of the background task last succeeded.",
      labelNames: ["task"],
      registers,
    }),
    scrapeCollectFailures,
  };
}
