import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { METRIC_NAMES } from "./metric-names.js";

/** The prom-client metrics behind the sink. Internal: prom-client types stay out of the public API. */
export interface Instruments {
  agentRuns: Counter<"agent" | "status">;
  agentRunDuration: Histogram<"agent" | "status">;
  agentRunAttempts: Counter<"agent">;
  agentRunRetries: Counter<"agent">;
  circuitBreakerState: Gauge<"agent">;
  circuitBreakerFailures: Counter<"agent">;
  circuitBreakerTransitions: Counter<"agent" | "state">;
  connectorCircuitBreakerState: Gauge<"connector">;
  connectorCircuitBreakerFailures: Counter<"connector">;
  connectorCircuitBreakerTransitions: Counter<"connector" | "state">;
  rateLimited: Counter<"agent" | "scope">;
  toolExecutions: Counter<"connector" | "action" | "status">;
  toolExecutionDuration: Histogram<"connector" | "action">;
  queueJobsPending: Gauge<"queue">;
}

/** Settings of {@link createInstruments}. */
export interface InstrumentSettings {
  registry: Registry;
  prefix: string;
  runDurationBuckets: readonly number[];
  toolDurationBuckets: readonly number[];
}

/** Registers every metric of the design on the registry. Throws prom-client's error when a name is taken. */
export function createInstruments(settings: InstrumentSettings): Instruments {
  const { registry, prefix } = settings;
  const registers = [registry];
  const name = (key: keyof typeof METRIC_NAMES) => `${prefix}${METRIC_NAMES[key]}`;

  return {
    agentRuns: new Counter({
      name: name("agentRuns"),
      help: "Agent runs that reached a final status (COMPLETED, FAILED, CANCELLED, TIMED_OUT).",
      labelNames: ["agent", "status"],
      registers,
    }),
    agentRunDuration: new Histogram({
      name: name("agentRunDuration"),
      help: "Duration of finished agent runs in seconds, all attempts included.",
      labelNames: ["agent", "status"],
      buckets: [...settings.runDurationBuckets],
      registers,
    }),
    agentRunAttempts: new Counter({
      name: name("agentRunAttempts"),
      help: "Attempts made by finished agent runs (1 per run plus one per retry).",
      labelNames: ["agent"],
      registers,
    }),
    agentRunRetries: new Counter({
      name: name("agentRunRetries"),
      help: "Retries scheduled after a transient failure of an attempt, counted when scheduled.",
      labelNames: ["agent"],
      registers,
    }),
    circuitBreakerState: new Gauge({
      name: name("circuitBreakerState"),
      help: "State of an agent's circuit breaker: 0 closed, 1 half-open, 2 open.",
      labelNames: ["agent"],
      registers,
    }),
    circuitBreakerFailures: new Counter({
      name: name("circuitBreakerFailures"),
      help: "Failed calls counted by an agent's circuit breaker.",
      labelNames: ["agent"],
      registers,
    }),
    circuitBreakerTransitions: new Counter({
      name: name("circuitBreakerTransitions"),
      help: "State changes of an agent's circuit breaker, by the state entered (closed, half_open, open).",
      labelNames: ["agent", "state"],
      registers,
    }),
    connectorCircuitBreakerState: new Gauge({
      name: name("connectorCircuitBreakerState"),
      help: "State of a connector's circuit breaker: 0 closed, 1 half-open, 2 open.",
      labelNames: ["connector"],
      registers,
    }),
    connectorCircuitBreakerFailures: new Counter({
      name: name("connectorCircuitBreakerFailures"),
      help: "Failed calls counted by a connector's circuit breaker.",
      labelNames: ["connector"],
      registers,
    }),
    connectorCircuitBreakerTransitions: new Counter({
      name: name("connectorCircuitBreakerTransitions"),
      help: "State changes of a connector's circuit breaker, by the state entered (closed, half_open, open).",
      labelNames: ["connector", "state"],
      registers,
    }),
    rateLimited: new Counter({
      name: name("rateLimited"),
      help: "Runs or calls rejected by a limit, by scope (admission, concurrency, connector).",
      labelNames: ["agent", "scope"],
      registers,
    }),
    toolExecutions: new Counter({
      name: name("toolExecutions"),
      help: "Tool executions (connector calls) that ended, by status (SUCCEEDED, FAILED).",
      labelNames: ["connector", "action", "status"],
      registers,
    }),
    toolExecutionDuration: new Histogram({
      name: name("toolExecutionDuration"),
      help: "Duration of tool executions (connector calls) in seconds.",
      labelNames: ["connector", "action"],
      buckets: [...settings.toolDurationBuckets],
      registers,
    }),
    queueJobsPending: new Gauge({
      name: name("queueJobsPending"),
      help: "Jobs waiting in a run queue.",
      labelNames: ["queue"],
      registers,
    }),
  };
}
