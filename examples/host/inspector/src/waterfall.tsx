import type { RunStep, ToolExecution } from "./api";
import { formatDuration, formatTime } from "./format";
import { StatusBadge } from "./status-badge";

/** One bar of the waterfall: a step or a tool execution. */
export interface WaterfallRow {
  id: string;
  label: string;
  kind: string;
  status: string;
  attempts: number;
  startedAt: string | null;
  completedAt: string | null;
  error: { code: string; message: string } | null;
  detail?: string;
  /** The child run whose end a `CHILD` step read: the row links to its page. */
  childRunId?: string;
}

export const stepRow = (step: RunStep): WaterfallRow => ({
  id: `step-${step.position}`,
  label: step.key,
  kind: step.kind,
  status: step.status,
  attempts: step.attempts,
  startedAt: step.startedAt,
  completedAt: step.completedAt,
  error: step.error ?? null,
  // A sleep wakes at its time; a wait for a signal gives up then unless the signal comes first.
  ...(step.wakeAt ? { detail: `${step.kind === "SIGNAL" ? "waits until" : "wakes at"} ${formatTime(step.wakeAt)}` } : {}),
  ...(step.childRunId ? { childRunId: step.childRunId } : {}),
});

export const toolRow = (tool: ToolExecution): WaterfallRow => ({
  id: tool.id,
  label: `${tool.connector}.${tool.action}`,
  kind: "TOOL",
  status: tool.status,
  attempts: tool.attempt,
  startedAt: tool.startedAt,
  completedAt: tool.completedAt,
  error: tool.error,
});

/** Steps and tool executions on one time axis, from the run's start to its end (or now). */
export function Waterfall({ rows, runStart, runEnd }: { rows: WaterfallRow[]; runStart: string; runEnd: string | null }) {
  if (rows.length === 0) return <p>No steps or tool executions were recorded.</p>;
  const start = Math.min(new Date(runStart).getTime(), ...rows.map((row) => (row.startedAt ? new Date(row.startedAt).getTime() : Infinity)));
  const ends = rows.map((row) => (row.completedAt ? new Date(row.completedAt).getTime() : 0));
  const end = Math.max(runEnd ? new Date(runEnd).getTime() : Date.now(), ...ends, start + 1);
  const span = end - start;
  return (
    <table class="waterfall">
      <caption class="visually-hidden">Steps and tool executions over time</caption>
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Duration</th>
          <th scope="col">Timeline ({formatDuration(span)})</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const from = row.startedAt ? new Date(row.startedAt).getTime() : start;
          const to = row.completedAt ? new Date(row.completedAt).getTime() : end;
          const left = ((from - start) / span) * 100;
          const width = Math.max(0.5, ((to - from) / span) * 100);
          return (
            <tr key={row.id} data-step={row.label}>
              <th scope="row">
                <span class="kind">{row.kind}</span> {row.label}
                {row.error ? (
                  <div class="step-error">
                    {row.error.code}: {row.error.message}
                  </div>
                ) : null}
                {row.detail ? <div class="step-detail">{row.detail}</div> : null}
                {row.childRunId ? (
                  <div class="step-detail">
                    result of <a href={`#/runs/${row.childRunId}`}>child run {row.childRunId}</a>
                  </div>
                ) : null}
              </th>
              <td>
                <StatusBadge status={row.status} />
              </td>
              <td>{row.attempts}</td>
              <td>{formatDuration(row.completedAt && row.startedAt ? to - from : null)}</td>
              <td class="bar-cell">
                <svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={`from ${formatDuration(from - start)} to ${formatDuration(to - start)}`}>
                  <rect x={left} y={1} width={width} height={8} class={`bar bar-${row.status.toLowerCase()}`} />
                </svg>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
