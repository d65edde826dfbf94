import type { RunStatus, RunSummary } from "./api";
import { formatDuration } from "./format";

/** Colours of statuses in charts; the legend names each one. */
export const STATUS_COLOURS: Record<RunStatus, string> = {
  QUEUED: "#6b7280",
  RUNNING: "#2563eb",
  WAITING: "#9333ea",
  COMPLETED: "#15803d",
  FAILED: "#b91c1c",
  CANCELLED: "#a16207",
  TIMED_OUT: "#c2410c",
};

const WIDTH = 600;
const HEIGHT = 140;
const MINUTE_MS = 60_000;

/** Minutes of the window, oldest first, each with its runs per status. */
function minutesOf(summary: RunSummary) {
  const start = Math.floor(new Date(summary.since).getTime() / MINUTE_MS) * MINUTE_MS;
  const end = new Date(summary.until).getTime();
  const count = Math.max(1, Math.ceil((end - start) / MINUTE_MS));
  const buckets = Array.from({ length: count }, (_, index) => ({ start: start + index * MINUTE_MS, byStatus: new Map<RunStatus, number>(), p95: null as number | null }));
  for (const entry of summary.minutes) {
    const bucket = buckets[Math.floor((new Date(entry.minute).getTime() - start) / MINUTE_MS)];
    if (!bucket) continue;
    bucket.byStatus.set(entry.status, (bucket.byStatus.get(entry.status) ?? 0) + entry.count);
    if (entry.p95DurationMs !== null) bucket.p95 = Math.max(bucket.p95 ?? 0, entry.p95DurationMs);
  }
  return buckets;
}

/** Stacked bars of runs per minute by status, as SVG. */
export function RunsPerMinuteChart({ summary }: { summary: RunSummary }) {
  const buckets = minutesOf(summary);
  const totals = buckets.map((bucket) => [...bucket.byStatus.values()].reduce((sum, value) => sum + value, 0));
  const peak = Math.max(0, ...totals);
  const max = Math.max(1, peak);
  const barWidth = WIDTH / buckets.length;
  const present = new Set(summary.minutes.map((entry) => entry.status));
  const total = totals.reduce((sum, value) => sum + value, 0);
  return (
    <figure class="chart">
      <figcaption>Runs per minute by status (last {Math.round((new Date(summary.until).getTime() - new Date(summary.since).getTime()) / MINUTE_MS)} min, {total} runs, peak {peak}/min)</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Runs per minute: ${total} runs, at most ${peak} in a minute`} preserveAspectRatio="none">
        {buckets.map((bucket, index) => {
          let y = HEIGHT;
          return [...bucket.byStatus.entries()].map(([status, count]) => {
            const height = (count / max) * (HEIGHT - 4);
            y -= height;
            return <rect key={`${index}-${status}`} x={index * barWidth + 0.5} y={y} width={Math.max(1, barWidth - 1)} height={height} fill={STATUS_COLOURS[status]} />;
          });
        })}
      </svg>
      <ul class="legend">
        {[...present].map((status) => (
          <li key={status}>
            <span class="swatch" style={{ background: STATUS_COLOURS[status] }} aria-hidden="true" /> {status}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** The p95 duration of each minute's runs, as bars. */
export function DurationChart({ summary }: { summary: RunSummary }) {
  const buckets = minutesOf(summary);
  const peak = Math.max(0, ...buckets.map((bucket) => bucket.p95 ?? 0));
  const max = Math.max(1, peak);
  const barWidth = WIDTH / buckets.length;
  return (
    <figure class="chart">
      <figcaption>p95 run duration per minute (peak {formatDuration(peak === 0 ? null : peak)})</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`p95 duration per minute, peak ${formatDuration(peak === 0 ? null : peak)}`} preserveAspectRatio="none">
        {buckets.map((bucket, index) =>
          bucket.p95 === null ? null : (
            <rect key={index} x={index * barWidth + 0.5} y={HEIGHT - (bucket.p95 / max) * (HEIGHT - 4)} width={Math.max(1, barWidth - 1)} height={(bucket.p95 / max) * (HEIGHT - 4)} fill="#4338ca" />
          ),
        )}
      </svg>
    </figure>
  );
}
