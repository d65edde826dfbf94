import { useState } from "preact/hooks";
import { api, type RunDetail } from "./api";
import { ErrorNote } from "./status-badge";

/** Cancel, retry, approve and reject: each request is made as the signed-in key, which the host records. */
export function RunActions({ run, onChanged, canCancel, canRetry }: { run: RunDetail; onChanged: () => void; canCancel: boolean; canRetry: boolean }) {
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const cancel = () =>
    act(async () => {
      await api(`/v1/runs/${run.id}/cancel`, { method: "POST" });
      onChanged();
    });
  const retry = () =>
    act(async () => {
      const body = { agent: run.agentName, input: run.input, async: true, ...(run.intent ? { intent: run.intent } : {}) };
      const started = await api<{ id: string }>("/v1/runs", { method: "POST", body });
      location.hash = `#/runs/${started.id}`;
    });
  const decide = (approved: boolean) =>
    act(async () => {
      await api(`/v1/runs/${run.id}/signals/approval`, { method: "POST", body: { payload: { approved, ...(note.trim() ? { note: note.trim() } : {}) } } });
      onChanged();
    });

  return (
    <div class="actions">
      {run.status === "WAITING" ? (
        <fieldset>
          <legend>Approval</legend>
          <label>
            Note
            <input type="text" value={note} onInput={(event) => setNote(event.currentTarget.value)} />
          </label>
          <button type="button" disabled={busy} onClick={() => void decide(true)}>
            Approve
          </button>
          <button type="button" disabled={busy} onClick={() => void decide(false)}>
            Reject
          </button>
        </fieldset>
      ) : null}
      {canCancel ? (
        <button type="button" disabled={busy} onClick={() => void cancel()}>
          Cancel run
        </button>
      ) : null}
      {canRetry ? (
        <button type="button" disabled={busy} onClick={() => void retry()}>
          Retry as a new run
        </button>
      ) : null}
      <ErrorNote error={error} />
    </div>
  );
}
