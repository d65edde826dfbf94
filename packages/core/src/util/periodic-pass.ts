import { ConfigurationError } from "../errors/errors.js";
import type { Clock } from "../ports/clock.js";

/** Options of {@link createPeriodicPass}. */
export interface PeriodicPassOptions {
  clock: Clock;
  /** Time from the end of one pass to the start of the next. */
  intervalMs: number;
  /** True: the first pass starts with `start`; false: one interval later. */
  runAtStart: boolean;
  /** One pass; `stopping()` turns true once `stop` was called, for passes that can end early. */
  pass(stopping: () => boolean): Promise<unknown>;
  /** A pass that failed; the next one runs at its time anyway. */
  onError(error: unknown): void;
}

/** Background work that runs a pass, waits an interval, and runs again, until stopped. */
export interface PeriodicPass {
  /** Starts the passes; started again while the last pass is still ending, lets that pass schedule the next one. */
  start(): void;
  /** Cancels the next pass and waits for the one in progress. */
  stop(): Promise<void>;
}

/**
 * One pass at a time, never two: the next is scheduled only when the last has ended, so a slow pass delays the next
 * one instead of overlapping it, and starting again while stopping cannot leave two timers running.
 * @example
 * const passes = createPeriodicPass({ clock, intervalMs: 60_000, runAtStart: true, pass: sweep, onError: report });
 * passes.start();
 * @throws ConfigurationError when `intervalMs` is not a positive number: a timer of 0, a negative or `NaN` delay
 * fires at once, and the passes would follow one another without a pause.
 */
export function createPeriodicPass(options: PeriodicPassOptions): PeriodicPass {
  const { clock, intervalMs } = options;
  if (typeof intervalMs !== "number" || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new ConfigurationError(`intervalMs must be a positive number of milliseconds, got ${String(intervalMs)}.`);
  }
  let stopped = true;
  let cancelTimer: (() => void) | null = null;
  let inProgress: Promise<void> | null = null;

  const schedule = () => {
    if (!stopped) cancelTimer = clock.schedule(intervalMs, run);
  };
  function run(): void {
    cancelTimer = null;
    inProgress = (async () => options.pass(() => stopped))()
      .then(() => undefined, options.onError)
      .finally(() => {
        inProgress = null;
        schedule();
      });
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      if (inProgress !== null) return;
      if (options.runAtStart) run();
      else schedule();
    },
    async stop() {
      stopped = true;
      cancelTimer?.();
      cancelTimer = null;
      await inProgress;
    },
  };
}
