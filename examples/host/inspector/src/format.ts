/** Display helpers shared by the pages. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

/** A run's own deadline as it was asked for (1 s, 1.5 s, 2 min); null means its agent's timeout applies. */
export function formatTimeout(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "agent default";
  if (ms < 1_000) return `${ms} ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1_000} s`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return `${date.toLocaleDateString(undefined, { month: "short", day: "numeric" })} ${date.toLocaleTimeString(undefined, { hour12: false })}`;
}

export function formatJson(value: unknown): string {
  return value === undefined ? "–" : JSON.stringify(value, null, 2);
}

/** Open runs can still be cancelled. */
export const OPEN_STATUSES = new Set(["QUEUED", "RUNNING", "WAITING"]);

/** Ended runs that did not succeed can be retried. */
export const RETRYABLE_STATUSES = new Set(["FAILED", "TIMED_OUT", "CANCELLED"]);

export const RUN_STATUSES = ["QUEUED", "RUNNING", "WAITING", "COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"] as const;
