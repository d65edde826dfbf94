import { useEffect, useState } from "preact/hooks";
import { api, type ChildRun, type RunDetail } from "./api";
import { formatDuration, formatJson, formatTime, formatTimeout, OPEN_STATUSES, RETRYABLE_STATUSES } from "./format";
import { subscribeToRuns } from "./live-runs";
import { RunActions } from "./run-actions";
import { ErrorNote, StatusBadge } from "./status-badge";
import { stepRow, toolRow, Waterfall } from "./waterfall";

const OPEN_RUN_POLL_MS = 2_000;

/** The runs a run started, nested as they started each other; each links to its own page. */
function ChildRunTree({ runs, label }: { runs: ChildRun[]; label?: string }) {
  return (
    <ul class="child-runs" {...(label ? { "aria-label": label } : {})}>
      {runs.map((child) => (
        <li key={child.id} data-child-run={child.agentName}>
          <a href={`#/runs/${child.id}`}>{child.agentName}</a> <StatusBadge status={child.status} /> <span class="child-duration">{formatDuration(child.durationMs)}</span>
          {child.statusReason && child.status !== "COMPLETED" ? <span class="child-reason"> ({child.statusReason})</span> : null}
          {child.children.length > 0 ? <ChildRunTree runs={child.children} /> : null}
          {child.truncated ? (
            <p class="child-truncated">
              More child runs: <a href={`#/runs/${child.id}`}>open this run</a> for them.
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** One run: what went in and out, its timeline, its steps as a waterfall, its children and the actions on it. */
export function RunPage({ runId }: { runId: string }) {
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = () =>
    api<RunDetail>(`/v1/runs/${encodeURIComponent(runId)}`).then(
      (loaded) => {
        setRun(loaded);
        setError(null);
      },
      (failure: unknown) => setError(failure),
    );

  useEffect(() => {
    setRun(null);
    void load();
    const close = subscribeToRuns(
      (events) => {
        if (events.some((event) => event.id === runId)) void load();
      },
      () => void load(),
    );
    return close;
  }, [runId]);

  // Steps are not streamed: an open run is read again while it stays open.
  useEffect(() => {
    if (!run || !OPEN_STATUSES.has(run.status)) return;
    const timer = setInterval(() => void load(), OPEN_RUN_POLL_MS);
    return () => clearInterval(timer);
  }, [run?.status]);

  if (!run) return error ? <ErrorNote error={error} /> : <p>Loading…</p>;
  // A call made by a journaled step is shown once, as that step.
  const rows = [...(run.steps ?? []).map(stepRow), ...run.toolExecutions.filter((tool) => !(run.steps ?? []).some((step) => step.kind === "TOOL" && (step.key === tool.stepKey || step.key === tool.id))).map(toolRow)];
  rows.sort((left, right) => (left.startedAt ?? "").localeCompare(right.startedAt ?? ""));

  return (
    <section aria-labelledby="run-heading">
      <p>
        <a href="#/runs">← All runs</a>
      </p>
      <h1 id="run-heading">
        {run.agentName} <StatusBadge status={run.status} />
      </h1>
      <p class="run-id">Run {run.id}</p>
      <ErrorNote error={error} />
      <RunActions run={run} onChanged={() => void load()} canCancel={OPEN_STATUSES.has(run.status)} canRetry={RETRYABLE_STATUSES.has(run.status)} />
      {run.error ? (
        <div class="run-error" role="alert">
          <h2>Error</h2>
          <p>
            <strong>{run.error.code}</strong>: {run.error.message}
          </p>
        </div>
      ) : null}
      <h2>Timeline</h2>
      <dl class="timeline">
        <dt>Created</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startedAt)}</dd>
        <dt>Ended</dt>
        <dd>
          {formatTime(run.completedAt)} {run.statusReason ? `(${run.statusReason})` : ""}
        </dd>
        <dt>Duration</dt>
        <dd>{formatDuration(run.durationMs)}</dd>
        <dt>Timeout</dt>
        <dd>{formatTimeout(run.timeoutMs)}</dd>
        <dt>Attempts</dt>
        <dd>{run.attempts}</dd>
        <dt>Takeovers</dt>
        <dd title="Times another executor took the run over after its own stopped renewing its lease">{run.takeovers}</dd>
        <dt>User</dt>
        <dd>{run.userId}</dd>
        <dt>Intent</dt>
        <dd>{run.intent ?? "–"}</dd>
        {run.parentRunId ? (
          <>
            <dt>Parent run</dt>
            <dd>
              <a href={`#/runs/${run.parentRunId}`}>{run.parentRunId}</a>
            </dd>
          </>
        ) : null}
      </dl>
      <h2>Steps</h2>
      <Waterfall rows={rows} runStart={run.startedAt ?? run.createdAt} runEnd={run.completedAt} />
      {run.children && run.children.length > 0 ? (
        <>
          <h2 id="child-runs-heading">Child runs</h2>
          <ChildRunTree runs={run.children} label="Child runs" />
        </>
      ) : null}
      <div class="io">
        <div>
          <h2>Input</h2>
          <pre tabIndex={0}>{formatJson(run.input)}</pre>
        </div>
        <div>
          <h2>Output</h2>
          <pre tabIndex={0}>{formatJson(run.output)}</pre>
        </div>
      </div>
    </section>
  );
}
