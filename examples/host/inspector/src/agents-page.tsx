import { useEffect, useState } from "preact/hooks";
import { api, type Agent, type RunSummary } from "./api";
import { formatDuration } from "./format";
import { ErrorNote } from "./status-badge";

const formatLimit = (admission: Agent["admission"]): string => {
  if (!admission) return "unlimited";
  const seconds = admission.windowMs / 1_000;
  return `${admission.limit} per ${seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`} per user`;
};

/** What the last hour's cells show until the summary is there: a mark while it loads, words when it failed. */
function SummaryPending({ failed }: { failed: boolean }) {
  if (failed) return <>unavailable</>;
  return (
    <>
      <span aria-hidden="true">…</span>
      <span class="visually-hidden">loading</span>
    </>
  );
}

/** Each agent's breaker, admission limit, and how its runs of the last hour went. */
export function AgentsPage({ agents }: { agents: Agent[] }) {
  const [summary, setSummary] = useState<RunSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<RunSummary>("/v1/runs/summary?windowMinutes=60").then(setSummary, setError);
  }, []);
  return (
    <section aria-labelledby="agents-heading">
      <h1 id="agents-heading">Agents</h1>
      <ErrorNote error={error} />
      <table>
        <caption>Last hour</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Version</th>
            <th scope="col">Circuit breaker</th>
            <th scope="col">Rate limit</th>
            <th scope="col">Runs</th>
            <th scope="col">Success rate</th>
            <th scope="col">p95 duration</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) => {
            const stats = summary?.agents.find((entry) => entry.agentName === agent.name);
            const ended = stats ? stats.completed + stats.failed : 0;
            // Without the summary, 0 runs would read as a quiet hour: the cells say it is not there yet, or failed.
            const pending = summary ? null : <SummaryPending failed={error !== null} />;
            return (
              <tr key={agent.name} data-agent={agent.name}>
                <th scope="row">
                  {agent.name}
                  <div class="step-detail">{agent.description}</div>
                </th>
                <td>{agent.version}</td>
                <td>
                  <span class={`badge breaker-${agent.breakerState}`}>{agent.breakerState.replace("_", "-")}</span>
                </td>
                <td>{formatLimit(agent.admission)}</td>
                <td>{pending ?? stats?.total ?? 0}</td>
                <td>{pending ?? (ended > 0 && stats ? `${Math.round((stats.completed / ended) * 100)}%` : "–")}</td>
                <td>{pending ?? formatDuration(stats?.p95DurationMs)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
