import type { ClockSkewMonitor } from "@neonhub/core";
import type { HealthCheck } from "../routes/operations-routes.js";

/**
 * Fails while the monitor says this host's clock is skewed from the database's, with the offset in its detail. Reads
 * the last measurement only (carried forward over a step of the clock since): the monitor measures on its own
 * timer, so a health probe adds no query.
 */
export function clockHealthCheck(monitor: Pick<ClockSkewMonitor, "isSkewed" | "currentOffset">, maxSkewMs: number): HealthCheck {
  return async () => {
    const latest = monitor.currentOffset();
    if (!monitor.isSkewed() || latest === null) return;
    const direction = latest.offsetMs < 0 ? "ahead of" : "behind";
    throw new Error(
      `this host's clock is ${Math.round(Math.abs(latest.offsetMs))} ms ${direction} the database's (±${Math.round(latest.uncertaintyMs)} ms), ` +
        `beyond NEONHUB_MAX_CLOCK_SKEW_MS=${maxSkewMs}: it takes no run over and starts no schedule tick`,
    );
  };
}
