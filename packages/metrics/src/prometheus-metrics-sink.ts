import type { BackgroundTask, BreakerKind, BreakerState, FinalRunStatus, MetricsSink, TakeoverOutcome } from "@neonhub/core";
import type { CounterCell } from "./accumulated-counter.js";
import type { HistogramCell } from "./accumulated-histogram.js";
import type { Instruments } from "./create-instruments.js";
import type { LabelValueGuard } from "./label-value-guard.js";
import { BACKGROUND_TASKS, BREAKER_STATE_VALUES, OTHER_LABEL_VALUE, REFRESH_OUTCOMES, TAKEOVER_OUTCOMES } from "./metric-names.js";

const RUN_STATUS_LABELS: ReadonlySet<string> = new Set<FinalRunStatus>(["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"]);
const TOOL_STATUS_LABELS: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED"]);
const RATE_LIMIT_SCOPES: ReadonlySet<string> = new Set(["admission", "concurrency", "connector"]);

/** The bounded label guards of the sink, one per label that carries names. */
export interface LabelGuards {
  agent: LabelValueGuard;
  connector: LabelValueGuard;
  action: LabelValueGuard;
  queue: LabelValueGuard;
}

interface AgentSeries {
  agent: string;
  runs: Map<string, CounterCell>;
  durations: Map<string, HistogramCell>;
  attempts: CounterCell;
}

interface ToolSeries {
  connector: string;
  action: string;
  byStatus: Map<string, CounterCell>;
  duration: HistogramCell;
}

/**
 * MetricsSink on prom-client. The hot paths (`runFinished`, `toolExecutionFinished`) reuse counter cells and
 * histogram cells cached per label value; the caches stay bounded because the guards bound the label values.
 */
export class PrometheusMetricsSink implements MetricsSink {
  private readonly agentSeries = new Map<string, AgentSeries>();
  private readonly toolSeries = new Map<string, Map<string, ToolSeries>>();

  constructor(
    private readonly instruments: Instruments,
    private readonly guards: LabelGuards,
  ) {}

  runFinished(event: { agent: string; status: FinalRunStatus; durationMs: number; attempts: number }): void {
    const series = this.seriesOfAgent(this.guards.agent.resolve(event.agent));
    const status = RUN_STATUS_LABELS.has(event.status) ? event.status : OTHER_LABEL_VALUE;
    let runs = series.runs.get(status);
    let durations = series.durations.get(status);
    if (runs === undefined || durations === undefined) {
      runs = this.instruments.agentRuns.cell({ agent: series.agent, status });
      durations = this.instruments.agentRunDuration.cell({ agent: series.agent, status });
      series.runs.set(status, runs);
      series.durations.set(status, durations);
    }
    runs.value += 1;
    if (isNonNegativeNumber(event.durationMs)) durations.observe(event.durationMs / 1000);
    if (isNonNegativeNumber(event.attempts)) series.attempts.value += event.attempts;
  }

  retryScheduled(event: { agent: string; attempt: number; delayMs: number }): void {
    this.instruments.agentRunRetries.add({ agent: this.guards.agent.resolve(event.agent) });
  }

  breakerStateChanged(event: { name: string; kind: BreakerKind; state: BreakerState; scope?: "organization" }): void {
    const value = BREAKER_STATE_VALUES[event.state];
    if (value === undefined) return;
    if (event.kind === "connector") {
      const connector = this.guards.connector.resolve(event.name);
      this.instruments.connectorCircuitBreakerState.set({ connector }, value);
      this.instruments.connectorCircuitBreakerTransitions.add({ connector, state: event.state });
    } else {
      const agent = this.guards.agent.resolve(event.name);
      // One organization's breaker is not the agent's state; breakerOpenOrganizationsChanged counts those that are open.
      if (event.scope !== "organization") this.instruments.circuitBreakerState.set({ agent }, value);
      this.instruments.circuitBreakerTransitions.add({ agent, state: event.state });
    }
  }

  breakerOpenOrganizationsChanged(event: { agent: string; open: number }): void {
    if (!isNonNegativeNumber(event.open)) return;
    const agent = this.guards.agent.resolve(event.agent);
    this.instruments.circuitBreakerOpenOrganizations.set({ agent }, event.open);
    // A known agent's state series starts at 0; an organization-scoped agent has no one state to show there.
    if (agent !== OTHER_LABEL_VALUE) this.instruments.circuitBreakerState.remove({ agent });
  }

  breakerFailure(event: { name: string; kind: BreakerKind }): void {
    if (event.kind === "connector") {
      this.instruments.connectorCircuitBreakerFailures.add({ connector: this.guards.connector.resolve(event.name) });
    } else {
      this.instruments.circuitBreakerFailures.add({ agent: this.guards.agent.resolve(event.name) });
    }
  }

  rateLimited(event: { agent: string; scope: "admission" | "concurrency" | "connector" }): void {
    const scope = RATE_LIMIT_SCOPES.has(event.scope) ? event.scope : OTHER_LABEL_VALUE;
    this.instruments.rateLimited.add({ agent: this.guards.agent.resolve(event.agent), scope });
  }

  toolExecutionFinished(event: { connector: string; action: string; status: "SUCCEEDED" | "FAILED"; durationMs: number }): void {
    const series = this.seriesOfTool(this.guards.connector.resolve(event.connector), this.guards.action.resolve(event.action));
    const status = TOOL_STATUS_LABELS.has(event.status) ? event.status : OTHER_LABEL_VALUE;
    let executions = series.byStatus.get(status);
    if (executions === undefined) {
      executions = this.instruments.toolExecutions.cell({ connector: series.connector, action: series.action, status });
      series.byStatus.set(status, executions);
    }
    executions.value += 1;
    if (isNonNegativeNumber(event.durationMs)) series.duration.observe(event.durationMs / 1000);
  }

  queueDepthChanged(event: { queue: string; pending: number }): void {
    if (!isNonNegativeNumber(event.pending)) return;
    this.instruments.queueJobsPending.set({ queue: this.guards.queue.resolve(event.queue) }, event.pending);
  }

  connectionRefreshed(event: { connector: string; outcome: "refreshed" | "reused" | "rejected" | "failed" }): void {
    const outcome = REFRESH_OUTCOMES.includes(event.outcome) ? event.outcome : OTHER_LABEL_VALUE;
    this.instruments.connectionRefreshes.cell({ connector: this.guards.connector.resolve(event.connector), outcome }).value += 1;
  }

  backgroundPassFinished(event: { task: BackgroundTask; outcome: "succeeded" | "failed"; items: number }): void {
    const task = BACKGROUND_TASKS.includes(event.task) ? event.task : OTHER_LABEL_VALUE;
    const outcome = event.outcome === "succeeded" ? "succeeded" : "failed";
    this.instruments.backgroundPasses.add({ task, outcome });
    this.instruments.backgroundPassItems.add({ task }, isNonNegativeNumber(event.items) ? event.items : 0);
    if (outcome === "succeeded") this.instruments.backgroundPassLastSuccess.set({ task }, Date.now() / 1000);
  }

  runTakenOver(event: { agent: string; outcome: TakeoverOutcome }): void {
    const outcome = TAKEOVER_OUTCOMES.includes(event.outcome) ? event.outcome : OTHER_LABEL_VALUE;
    this.instruments.agentRunTakeovers.add({ agent: this.guards.agent.resolve(event.agent), outcome });
  }

  private seriesOfAgent(agent: string): AgentSeries {
    let series = this.agentSeries.get(agent);
    if (series === undefined) {
      series = { agent, runs: new Map(), durations: new Map(), attempts: this.instruments.agentRunAttempts.cell({ agent }) };
      this.agentSeries.set(agent, series);
    }
    return series;
  }

  private seriesOfTool(connector: string, action: string): ToolSeries {
    let actions = this.toolSeries.get(connector);
    if (actions === undefined) {
      actions = new Map();
      this.toolSeries.set(connector, actions);
    }
    let series = actions.get(action);
    if (series === undefined) {
      series = { connector, action, byStatus: new Map(), duration: this.instruments.toolExecutionDuration.cell({ connector, action }) };
      actions.set(action, series);
    }
    return series;
  }
}

function isNonNegativeNumber(value: number): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
