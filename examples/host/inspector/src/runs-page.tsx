import { useEffect, useRef, useState } from "preact/hooks";
import { api, query, type Agent, type Run, type RunEvent, type RunPage, type RunSummary } from "./api";
import { formatDuration, formatTime, RUN_STATUSES } from "./format";
import { subscribeToRuns } from "./live-runs";
import { DurationChart, RunsPerMinuteChart } from "./run-charts";
import { StartRunForm } from "./start-run-form";
import { ErrorNote, StatusBadge } from "./status-badge";

interface Filters {
  agent: string;
  status: string;
  user: string;
  intent: string;
  range: string;
}

const RANGES: Record<string, { label: string; ms: number | null }> = {
  "15m": { label: "Last 15 minutes", ms: 15 * 60_000 },
  "1h": { label: "Last hour", ms: 60 * 60_000 },
  "24h": { label: "Last 24 hours", ms: 24 * 60 * 60_000 },
  "7d": { label: "Last 7 days", ms: 7 * 24 * 60 * 60_000 },
  all: { label: "Any time", ms: null },
};
const PAGE_SIZE = 25;
const SUMMARY_REFRESH_MS = 5_000;

const listPath = (filters: Filters, cursor?: string): string => {
  const range = RANGES[filters.range]?.ms ?? null;
  return `/v1/runs${query({
    agent: filters.agent,
    status: filters.status,
    user: filters.user.trim(),
    intent: filters.intent.trim(),
    createdAfter: range === null ? undefined : new Date(Date.now() - range).toISOString(),
    limit: PAGE_SIZE,
    cursor,
  })}`;
};

/** Whether a live event belongs in the list as filtered (time range aside: new runs are always recent). */
const matches = (run: RunEvent, filters: Filters): boolean =>
  (!filters.agent || run.agentName === filters.agent) &&
  (!filters.status || run.status === filters.status) &&
  (!filters.user.trim() || run.userId === filters.user.trim()) &&
  (!filters.intent.trim() || (run.intent ?? "").toLowerCase().includes(filters.intent.trim().toLowerCase()));

/** The runs list: filters, live updates, cursor paging and the charts of the last hour. */
export function RunsPage({ agents }: { agents: Agent[] }) {
  const [filters, setFilters] = useState<Filters>({ agent: "", status: "", user: "", intent: "", range: "24h" });
  const [runs, setRuns] = useState<Array<Run | RunEvent>>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [summary, setSummary] = useState<RunSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [live, setLive] = useState(0);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  const load = async (current: Filters) => {
    setLoading(true);
    try {
      const page = await api<RunPage>(listPath(current));
      setRuns(page.runs);
      setCursor(page.nextCursor);
      setError(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  };
  const loadSummary = () => api<RunSummary>("/v1/runs/summary?windowMinutes=60").then(setSummary, setError);

  useEffect(() => {
    void load(filters);
  }, [filters]);

  useEffect(() => {
    void loadSummary();
    let summaryDue = false;
    const timer = setInterval(() => {
      if (summaryDue) void loadSummary();
      summaryDue = false;
    }, SUMMARY_REFRESH_MS);
    const close = subscribeToRuns(
      (events) => {
        summaryDue = true;
        setLive((count) => count + events.length);
        setRuns((current) => {
          const next = [...current];
          for (const event of events) {
            const index = next.findIndex((run) => run.id === event.id);
            if (index >= 0) next[index] = { ...next[index], ...event };
            else if (matches(event, filtersRef.current)) next.unshift(event);
          }
          return next;
        });
      },
      () => void load(filtersRef.current),
    );
    return () => {
      clearInterval(timer);
      close();
    };
  }, []);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await api<RunPage>(listPath(filters, cursor));
      setRuns((current) => [...current, ...page.runs]);
      setCursor(page.nextCursor);
    } catch (failure) {
      setError(failure);
    }
  };

  const change = (name: keyof Filters) => (event: Event) => setFilters({ ...filters, [name]: (event.currentTarget as HTMLInputElement).value });

  return (
    <section aria-labelledby="runs-heading">
      <h1 id="runs-heading">Runs</h1>
      <div class="charts">
        {summary ? (
          <>
            <RunsPerMinuteChart summary={summary} />
            <DurationChart summary={summary} />
          </>
        ) : null}
      </div>
      <StartRunForm agents={agents} />
      <form class="filters" role="search" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
        <label>
          Agent
          <select value={filters.agent} onChange={change("agent")}>
            <option value="">All agents</option>
            {agents.map((agent) => (
              <option key={agent.name} value={agent.name}>
                {agent.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={filters.status} onChange={change("status")}>
            <option value="">Any status</option>
            {RUN_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label>
          User
          <input type="text" value={filters.user} onChange={change("user")} placeholder="user id" />
        </label>
        <label>
          Intent contains
          <input type="search" value={filters.intent} onChange={change("intent")} placeholder="search intents" />
        </label>
        <label>
          Time
          <select value={filters.range} onChange={change("range")}>
            {Object.entries(RANGES).map(([value, range]) => (
              <option key={value} value={value}>
                {range.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p class="live" aria-live="polite" data-testid="live-count">
        Live: {live} update{live === 1 ? "" : "s"} received
      </p>
      <ErrorNote error={error} />
      <table class="runs">
        <caption class="visually-hidden">Runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Agent</th>
            <th scope="col">Intent</th>
            <th scope="col">User</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id}>
              <td>
                <a href={`#/runs/${run.id}`}>{formatTime(run.createdAt)}</a>
              </td>
              <td>{run.agentName}</td>
              <td>{run.intent ?? "–"}</td>
              <td>{run.userId}</td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>{formatDuration(run.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && runs.length === 0 ? <p>No runs match these filters.</p> : null}
      {cursor ? (
        <button type="button" onClick={() => void more()}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
