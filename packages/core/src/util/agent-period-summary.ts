import { ValidationError } from "../errors/errors.js";
import { RUN_STATUSES, type RunStatus, type ToolExecutionStatus } from "../model/run-status.js";
import type { RunMetric } from "../model/run-metric.js";
import type { AgentPeriodSummary, PeriodMetricSummary, PeriodToolSummary, SummarizeAgentPeriodQuery } from "../ports/run-store.js";
import { dateBoundProblem } from "./query-dates.js";

/** Longest period {@link RunStore.summarizeAgentPeriod} accepts: 92 days, a quarter. */
export const MAX_AGENT_PERIOD_MS = 92 * 24 * 60 * 60 * 1_000;

/** Refuses a period that is empty, reversed or longer than 92 days, or names no agent; adapters call it before querying. */
export function validateSummarizeAgentPeriodQuery(query: SummarizeAgentPeriodQuery): void {
  const problems = [dateBoundProblem(query.since, "since"), dateBoundProblem(query.until, "until")].filter((problem) => problem !== null);
  if (problems.length > 0) throw new ValidationError("The period needs valid dates.", problems);
  const span = query.until.getTime() - query.since.getTime();
  if (!Number.isFinite(span) || span <= 0 || span > MAX_AGENT_PERIOD_MS) {
    throw new ValidationError("The period must end after it starts and span at most 92 days.", [{ path: "since", message: "Must be before until, at most 92 days" }]);
  }
  if (query.agentName.length === 0) throw new ValidationError("The period summary needs an agent name.", [{ path: "agentName", message: "Must not be empty" }]);
}

/** The run fields a period summary reads. */
export interface PeriodRun {
  status: RunStatus;
  durationMs: number | null;
  metrics: readonly RunMetric[];
  tools: ReadonlyArray<{ connector: string; action: string; status: ToolExecutionStatus }>;
}

/** Code-unit order, the same in every adapter whatever the database's collation. */
export const byText = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

/** The nearest-rank percentile of sorted values (PostgreSQL's `percentile_disc`). */
export function nearestRank(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? null;
}

/** Every status at zero: the `byStatus` an adapter fills in. */
export function emptyStatusCounts(): Record<RunStatus, number> {
  return Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<RunStatus, number>;
}

/** `COMPLETED` over `COMPLETED`, `FAILED` and `TIMED_OUT`; null when there is none of them. */
export function successRateOf(byStatus: Record<RunStatus, number>): number | null {
  const ended = byStatus.COMPLETED + byStatus.FAILED + byStatus.TIMED_OUT;
  return ended === 0 ? null : byStatus.COMPLETED / ended;
}

/** Sorts metric and tool groups the way the port promises. */
export function sortPeriodGroups(metrics: PeriodMetricSummary[], tools: PeriodToolSummary[]): { metrics: PeriodMetricSummary[]; tools: PeriodToolSummary[] } {
  return {
    metrics: metrics.sort((left, right) => byText(left.name, right.name) || byText(left.unit, right.unit)),
    tools: tools.sort((left, right) => byText(left.connector, right.connector) || byText(left.action, right.action)),
  };
}

/** Summarizes runs already filtered to one organization, agent and period (used by in-memory adapters). */
export function summarizeAgentPeriodRecords(query: SummarizeAgentPeriodQuery, runs: Iterable<PeriodRun>): AgentPeriodSummary {
  const byStatus = emptyStatusCounts();
  const durations: number[] = [];
  const metrics = new Map<string, PeriodMetricSummary>();
  const tools = new Map<string, PeriodToolSummary>();
  let total = 0;
  for (const run of runs) {
    total += 1;
    byStatus[run.status] += 1;
    if (run.durationMs !== null) durations.push(run.durationMs);
    for (const metric of run.metrics) {
      const key = `${metric.name}\u0000${metric.unit}`;
      const entry = metrics.get(key) ?? { name: metric.name, unit: metric.unit, count: 0, sum: 0, average: 0 };
      entry.count += 1;
      entry.sum += metric.value;
      metrics.set(key, entry);
    }
    for (const tool of run.tools) {
      const key = `${tool.connector}\u0000${tool.action}`;
      const entry = tools.get(key) ?? { connector: tool.connector, action: tool.action, calls: 0, failed: 0 };
      entry.calls += 1;
      if (tool.status === "FAILED") entry.failed += 1;
      tools.set(key, entry);
    }
  }
  durations.sort((left, right) => left - right);
  const groups = sortPeriodGroups(
    [...metrics.values()].map((metric) => ({ ...metric, average: metric.sum / metric.count })),
    [...tools.values()],
  );
  return {
    agentName: query.agentName,
    since: new Date(query.since),
    until: new Date(query.until),
    total,
    byStatus,
    successRate: successRateOf(byStatus),
    p50DurationMs: nearestRank(durations, 0.5),
    p95DurationMs: nearestRank(durations, 0.95),
    ...groups,
  };
}
