import { ConfigurationError } from "../errors/errors.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import { silentLogger } from "../telemetry/silent-logger.js";
import { systemClock } from "../telemetry/system-clock.js";
import { createPeriodicPass } from "../util/periodic-pass.js";
import { type ClockOffset, isBeyondSkew, measureClockOffset, type ReadReferenceTime } from "./measure-clock-offset.js";
import { createClockStepTracker, defaultMonotonicNow } from "./clock-steps.js";
import { createReferenceClock } from "./reference-clock.js";

/** Default time between two measurements. */
export const DEFAULT_CLOCK_CHECK_INTERVAL_MS = 30_000;

/** Options of {@link createClockSkewMonitor}. */
export interface ClockSkewMonitorOptions {
  /** Reads the reference clock, the one every process sharing the store should agree with (the database's). */
  readReferenceTime: ReadReferenceTime;
  /** The clock under watch, the one the orchestrator and the scheduler go by. Defaults to the system clock. */
  clock?: Clock;
  /** Skew beyond which the clock is not trusted, in milliseconds (a positive number). */
  maxSkewMs: number;
  /** Time between two measurements; default 30,000 ms. */
  intervalMs?: number;
  /** Told of each successful measurement, with whether it shows the clock skewed. What it throws is logged and ignored. */
  onMeasurement?: (offset: ClockOffset, skewed: boolean) => void;
  /** Where failed measurements are logged (`warn`). Defaults to a silent logger. */
  logger?: Logger;
  /**
   * A clock that no one sets, in milliseconds, against which steps of `clock` between two measurements are seen
   * (see {@link ClockSkewMonitor.currentOffset}). Defaults to `performance.now()` when `clock` is the system clock
   * (or omitted); with another clock, steps are seen only by the next measurement unless this is given.
   */
  monotonicNow?: () => number;
}

/** Watches this process's clock against a reference clock. Create with {@link createClockSkewMonitor}. */
export interface ClockSkewMonitor {
  /** Measures at once (unless a measurement is younger than half `intervalMs`), then every `intervalMs`, until stopped. */
  start(): void;
  /** Stops measuring and waits for a measurement in progress. */
  stop(): Promise<void>;
  /** Measures now; resolves with the measurement, or null when it failed (the state is then unchanged). Never rejects. */
  measure(): Promise<ClockOffset | null>;
  /** The last successful measurement, as it was taken, or null before the first one. */
  latest(): ClockOffset | null;
  /**
   * The last successful measurement carried forward to now: when the watched clock has been stepped since (set by an
   * administrator or by NTP, seen against the monotonic clock; steps under 100 ms are left to the next measurement),
   * its offset is less that step. Null before the first measurement.
   */
  currentOffset(): ClockOffset | null;
  /**
   * Whether the clock is off by more than `maxSkewMs` beyond the measurement's uncertainty
   * (`|offsetMs| - uncertaintyMs > maxSkewMs` of {@link ClockSkewMonitor.currentOffset}), so that a step taken
   * between two measurements counts at once. False before the first measurement.
   */
  isSkewed(): boolean;
  /**
   * The reference clock's time as this process best knows it: the watched clock plus the offset of the last
   * successful measurement, carried forward over any step of the watched clock since
   * ({@link ClockSkewMonitor.currentOffset}). Until a first measurement, and while a measurement's offset is no
   * larger than its uncertainty (round-trip noise), it reads the watched clock unchanged; a failed measurement leaves the last offset
   * in force. Its `sleep` and `schedule` are the watched clock's. It is not monotonic: when a measurement finds the
   * offset changed, it steps by the change, back as well as forward (the orchestrator records an end read before its
   * start at the start, so no duration is negative). Give it to work that decides by the time of
   * day on behalf of every process sharing the store, such as a `ScheduleManager` and a `Scheduler`.
   * @example
   * const schedules = createScheduleManager({ store: database.scheduleStore, agents, clock: monitor.referenceClock });
   * const scheduler = createScheduler({ orchestrator, store: database.scheduleStore, clock: monitor.referenceClock, mayClaimByClock: () => !monitor.isSkewed() });
   */
  readonly referenceClock: Clock;
}

/**
 * Creates a monitor that measures this process's clock against a reference clock every `intervalMs` (one round trip
 * each, see {@link measureClockOffset}) and keeps the latest measurement.
 *
 * A measurement that fails (the reference cannot be read: the database is down) is logged and changes nothing: the
 * monitor keeps its last measurement until a measurement succeeds, and the next one is taken at its usual time.
 * Nothing thrown leaves the timer. Between two measurements, and while the reference is away, a step of the clock
 * (someone setting it) is seen against a monotonic clock and counts at once; a slow drift is seen only by the next
 * measurement.
 * @throws ConfigurationError when `maxSkewMs` or `intervalMs` is not a positive number, or `readReferenceTime` is missing.
 * @example
 * const monitor = createClockSkewMonitor({ readReferenceTime: () => database.readDatabaseTime(), maxSkewMs: 5_000 });
 * monitor.start();
 * const orchestrator = createOrchestrator({ agents, store, durability: { mayClaimByClock: () => !monitor.isSkewed() } });
 */
export function createClockSkewMonitor(options: ClockSkewMonitorOptions): ClockSkewMonitor {
  const intervalMs = options.intervalMs ?? DEFAULT_CLOCK_CHECK_INTERVAL_MS;
  if (typeof options.readReferenceTime !== "function") throw new ConfigurationError("createClockSkewMonitor needs readReferenceTime.");
  if (!Number.isFinite(options.maxSkewMs) || options.maxSkewMs <= 0) throw new ConfigurationError(`maxSkewMs must be a positive number of milliseconds, got ${String(options.maxSkewMs)}.`);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new ConfigurationError(`intervalMs must be a positive number of milliseconds, got ${String(intervalMs)}.`);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const steps = createClockStepTracker(clock, options.monotonicNow ?? defaultMonotonicNow(options.clock));
  let latest: ClockOffset | null = null;

  const measure = async (): Promise<ClockOffset | null> => {
    let offset: ClockOffset;
    try {
      offset = await measureClockOffset(options.readReferenceTime, clock);
    } catch (error) {
      logger.warn({ error, skewed: isSkewed() }, "the clock offset could not be measured; the last measurement stands");
      return null;
    }
    latest = offset;
    steps.measured();
    const skewed = isBeyondSkew(offset, options.maxSkewMs);
    try {
      options.onMeasurement?.(offset, skewed);
    } catch (error) {
      logger.warn({ error }, "a clock offset listener failed");
    }
    return offset;
  };

  const currentOffset = (): ClockOffset | null => steps.carryForward(latest);
  function isSkewed(): boolean {
    const offset = currentOffset();
    return offset !== null && isBeyondSkew(offset, options.maxSkewMs);
  }

  // A measurement taken just before `start` (a host measures before its first sweep) stands for the start's own.
  const measureUnlessFresh = async (): Promise<unknown> => (latest !== null && clock.now() - latest.measuredAt < intervalMs / 2 ? undefined : measure());
  const passes = createPeriodicPass({ clock, intervalMs, runAtStart: true, pass: measureUnlessFresh, onError: () => undefined });
  return {
    start: () => passes.start(),
    stop: () => passes.stop(),
    measure,
    latest: () => latest,
    currentOffset,
    isSkewed,
    referenceClock: createReferenceClock(clock, currentOffset),
  };
}
