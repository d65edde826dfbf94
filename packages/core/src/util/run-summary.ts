import { ValidationError } from "../errors/errors.js";
import { RUN_STATUSES, type RunStatus } from "../model/run-status.js";
import type { AgentRunSummary, ListRunsQuery, RunMinuteSummary, RunSummary, SummarizeRunsQuery } from "../ports/run-store.js";
import { dateBoundProblem } from "./query-dates.js";

/** Longest window {@link RunStore.summarizeRuns} accepts: one day of minutes. */
export const MAX_SUMMARY_WINDOW_MS = 24 * 60 * 60 * 1_000;

/** Longest intent search text. */
export const MAX_INTENT_SEARCH_LENGTH = 200;

const MINUTE_MS = 60_000;

/** Refuses a summary window that is empty, reversed or longer than a day; adapters call it before querying. */
export function validateSummarizeRunsQuery(query: SummarizeRunsQuery): void {
  const problems = [dateBoundProblem(query.since, "since"), dateBoundProblem(query.until, "until")].filter((problem) => problem !== null);
  if (problems.length > 0) throw new ValidationError("The summary window needs valid dates.", problems);
  const span = query.until.getTime() - query.since.getTime();
  if (!Number.isFinite(span) || span <= 0 || span > MAX_SUMMARY_WINDOW_MS) {
    throw new ValidationError("The summary window must end after it starts and span at most 24 hours.", [{ path: "since", message: "Must be before until, at most 24 hours" }]);
  }
}

/** Refuses list filters that no adapter should run; adapters call it before querying. */
export function validateListRunsFilters(query: ListRunsQuery): void {
  const problems = [
    query.createdAfter === undefined ? null : dateBoundProblem(query.createdAfter, "createdAfter"),
    query.createdBefore === undefined ? null : dateBoundProblem(query.createdBefore, "createdBefore"),
    query.status === undefined || RUN_STATUSES.includes(query.status) ? null : { path: "status", message: `Must be one of ${RUN_STATUSES.join(", ")}` },
  ].filter((problem) => problem !== null);
  if (problems.length > 0) throw new ValidationError(`The run list filters are invalid: ${problems.map((problem) => problem.path).join(", ")}.`, problems);
  if (query.intentContains !== undefined && (query.intentContains.length < 1 || query.intentContains.length > MAX_INTENT_SEARCH_LENGTH)) {
    throw new ValidationError(`intentContains must be 1 to ${MAX_INTENT_SEARCH_LENGTH} characters.`, [{ path: "intentContains", message: "Must be 1 to 200 characters" }]);
  }
}

/** The nearest-rank percentile of sorted values (PostgreSQL's `percentile_disc`). */
function nearestRank(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)] ?? null;
}

/** The run fields a summary reads. */
export interface SummarizedRun {
  agentName: string;
  status: RunStatus;
  createdAt: Date;
  durationMs: number | null;
}

/** Summarizes runs already filtered to one organization and window (used by in-memory adapters). */
export function summarizeRunRecords(runs: Iterable<SummarizedRun>): RunSummary {
  const agents = new Map<string, { summary: AgentRunSummary; durations: number[] }>();
  const minutes = new Map<string, { summary: RunMinuteSummary; durations: number[] }>();
  for (const run of runs) {
    let agent = agents.get(run.agentName);
    if (!agent) {
      agent = { summary: { agentName: run.agentName, total: 0, completed: 0, failed: 0, p95DurationMs: null }, durations: [] };
      agents.set(run.agentName, agent);
    }
    agent.summary.total += 1;
    if (run.status === "COMPLETED") agent.summary.completed += 1;
    if (run.status === "FAILED" || run.status === "TIMED_OUT") agent.summary.failed += 1;
    const minuteStart = Math.floor(run.createdAt.getTime() / MINUTE_MS) * MINUTE_MS;
    const key = `${minuteStart}|${run.status}`;
    let minute = minutes.get(key);
    if (!minute) {
      minute = { summary: { minute: new Date(minuteStart), status: run.status, count: 0, p95DurationMs: null }, durations: [] };
      minutes.set(key, minute);
    }
    minute.summary.count += 1;
    if (run.durationMs !== null) {
      agent.durations.push(run.durationMs);
      minute.durations.push(run.durationMs);
    }
  }
  const withPercentile = <T extends { p95DurationMs: number | null }>(entry: { summary: T; durations: number[] }): T => ({
    ...entry.summary,
    p95DurationMs: nearestRank(entry.durations.sort((left, right) => left - right), 0.95),
  });
  return {
    agents: [...agents.values()].map(withPercentile).sort((left, right) => (left.agentName < right.agentName ? -1 : left.agentName > right.agentName ? 1 : 0)),
    minutes: [...minutes.values()]
      .map(withPercentile)
      .sort((left, right) => left.minute.getTime() - right.minute.getTime() || (left.status < right.status ? -1 : left.status > right.status ? 1 : 0)),
  };
}
