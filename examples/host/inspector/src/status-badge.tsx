import type { RunStatus } from "./api";

/** A run or step status as a coloured label (colour repeats the text, never replaces it). */
export function StatusBadge({ status }: { status: RunStatus | string }) {
  return <span class={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}

/** A failed request or a run's error, announced to screen readers. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p class="error-note" role="alert">
      {message}
    </p>
  );
}
