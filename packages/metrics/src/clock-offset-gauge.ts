import type { ClockOffset } from "@neonhub/core";
import { Gauge, type Registry } from "prom-client";

/** Answers the latest clock offset measurement, or null before the first one. */
export type ClockOffsetSource = () => ClockOffset | null;

/** Settings of {@link registerClockOffsetGauge}. */
export interface ClockOffsetGaugeSettings {
  registry: Registry;
  name: string;
  /** Read at each scrape; no series while it is unset or answers null. */
  offset: { source: ClockOffsetSource | null };
}

/**
 * `…_clock_offset_seconds`: the reference clock (the database's) minus this process's, from the latest measurement,
 * read at scrape time from memory (the measurement itself runs on the monitor's timer, never during a scrape).
 * Alert on `abs(…) > 2`.
 */
export function registerClockOffsetGauge(settings: ClockOffsetGaugeSettings): void {
  new Gauge({
    name: settings.name,
    help: "The database's clock minus this process's clock in seconds, from the latest measurement (negative when this clock runs ahead).",
    registers: [settings.registry],
    collect() {
      const latest = settings.offset.source?.() ?? null;
      // remove(), not reset(): a gauge without labels resets to a series of 0, which would read as a clock in step.
      if (latest !== null && Number.isFinite(latest.offsetMs)) this.set(latest.offsetMs / 1000);
      else this.remove();
    },
  });
}
