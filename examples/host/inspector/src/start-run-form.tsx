import { useState } from "preact/hooks";
import { api, type Agent } from "./api";
import { ErrorNote } from "./status-badge";

/** Starts a run of an agent in the background; the list shows it through the live stream. */
export function StartRunForm({ agents }: { agents: Agent[] }) {
  const [agent, setAgent] = useState("");
  const [intent, setIntent] = useState("");
  const [input, setInput] = useState("{}");
  const [error, setError] = useState<unknown>(null);
  const [started, setStarted] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      setError(new Error("The input is not valid JSON."));
      return;
    }
    try {
      const run = await api<{ id: string }>("/v1/runs", { method: "POST", body: { agent: agent || agents[0]?.name, input: parsed, async: true, ...(intent ? { intent } : {}) } });
      setStarted(run.id);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <details class="start-run">
      <summary>Start a run</summary>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          Agent
          <select name="agent" value={agent} onChange={(event) => setAgent(event.currentTarget.value)}>
            {agents.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Intent
          <input name="intent" type="text" value={intent} onInput={(event) => setIntent(event.currentTarget.value)} />
        </label>
        <label>
          Input (JSON)
          <textarea name="input" rows={4} value={input} onInput={(event) => setInput(event.currentTarget.value)} />
        </label>
        <button type="submit">Start</button>
        {started ? (
          <p role="status">
            Started <a href={`#/runs/${started}`}>{started}</a>
          </p>
        ) : null}
        <ErrorNote error={error} />
      </form>
    </details>
  );
}
