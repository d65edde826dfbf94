import type { Clock, Logger } from "@neonhub/core";
import type { AccumulatedCounter } from "./accumulated-counter.js";

/** Settings of {@link boundScrapeReading}. */
export interface ScrapeReadingBounds {
  clock: Clock;
  /** How long a scrape waits for the reading. */
  timeoutMs: number;
  logger: Logger;
  /** Counts the readings that failed or timed out, by `collector` and `reason` (`timeout`, `error`). */
  failures: AccumulatedCounter<"collector" | "reason">;
}

const TIMED_OUT = Symbol("timed out");

/**
 * Wraps a reading taken at scrape time (a database query) so that the scrape neither waits longer than `timeoutMs`
 * for it nor fails with it: a reading that fails or times out gives `undefined`, and is logged and counted. Only one
 * reading is in flight at a time: a scrape that comes while the previous reading still hangs waits on that one
 * rather than sending another query to a database that is not answering.
 */
export function boundScrapeReading<T>(collector: string, read: () => Promise<T>, bounds: ScrapeReadingBounds): () => Promise<T | undefined> {
  let inFlight: Promise<T> | null = null;

  const start = (): Promise<T> => {
    const reading = new Promise<T>((resolve) => resolve(read()));
    const settled = () => {
      if (inFlight === reading) inFlight = null;
    };
    reading.then(settled, settled);
    return reading;
  };

  const report = (reason: "timeout" | "error", error?: unknown) => {
    bounds.failures.add({ collector, reason });
    const fields = reason === "timeout" ? { collector, reason, timeoutMs: bounds.timeoutMs } : { collector, reason, error: error instanceof Error ? error.message : String(error) };
    bounds.logger.warn(fields, `metrics scrape went on without ${collector}: the reading ${reason === "timeout" ? "did not answer in time" : "failed"}`);
  };

  return async () => {
    inFlight ??= start();
    let cancelTimer = () => {};
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
      cancelTimer = bounds.clock.schedule(bounds.timeoutMs, () => resolve(TIMED_OUT));
    });
    try {
      const result = await Promise.race([inFlight, timedOut]);
      if (result !== TIMED_OUT) return result;
      report("timeout");
    } catch (error) {
      report("error", error);
    } finally {
      cancelTimer();
    }
    return undefined;
  };
}
