import { createClaimGate } from "../clock-skew/claim-gate.js";
import { ConfigurationError } from "../errors/errors.js";
import { isTransientError } from "../errors/is-transient-error.js";
import { isNeonhubError } from "../errors/neonhub-error.js";
import type { Schedule } from "../model/schedule.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { MetricsSink } from "../ports/metrics-sink.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import type { Orchestrator } from "../orchestrator-types.js";
import { noopMetricsSink } from "../telemetry/noop-metrics-sink.js";
import { silentLogger } from "../telemetry/silent-logger.js";
import { systemClock } from "../telemetry/system-clock.js";
import { STORABLE_VALUE_LIMITS } from "../util/storable-value.js";
import { parseCronExpression } from "./cron-expression.js";
import { planTicks } from "./plan-ticks.js";
import { isRefusedByQueue, mayRetryRefusedTick, scheduleTickKey } from "./tick-attempts.js";

export { scheduleTickKey } from "./tick-attempts.js";

/** Default time between two looks for due schedules. */
export const DEFAULT_SCHEDULER_INTERVAL_MS = 5_000;
/** Default lateness after which a tick counts as missed (and follows the schedule's catch-up policy). */
export const DEFAULT_LATE_TOLERANCE_MS = 60_000;
/** Due schedules claimed in one pass at most; the next pass takes the rest. */
const DUE_BATCH = 100;
/** Attempts at a tick whose runs the queue keeps refusing, after which the tick passes (about 8 hours of refusals). */
const MAX_TICK_ATTEMPTS = 100;
// Where a schedule whose expression fires no more is parked: it is never due again.
const NEVER = new Date(STORABLE_VALUE_LIMITS.maxTimestampMs);

/** Options of {@link createScheduler}. */
export interface SchedulerOptions {
  /** Starts each tick's run with `enqueue`. */
  orchestrator: Pick<Orchestrator, "enqueue">;
  store: ScheduleStore;
  /**
   * Decides which ticks are due; defaults to the system clock. Hosts sharing a store should give it the database's
   * time, a `ClockSkewMonitor`'s `referenceClock`, so that a clock ahead by less than the monitor's maximum does not
   * start ticks early.
   */
  clock?: Clock;
  /** Defaults to a silent logger. */
  logger?: Logger;
  /** Told of each pass (`schedules`, with the runs started; `failed` when a listing, a start or a claim failed). */
  metrics?: Pick<MetricsSink, "backgroundPassFinished">;
  /** Time between two passes; default 5,000 ms. 0 turns the timer off (call `runDueSchedules` yourself). */
  intervalMs?: number;
  /**
   * A tick found at most this late is on time, whatever the catch-up policy; default 60,000 ms or twice
   * `intervalMs`, whichever is longer. It must be longer than `intervalMs` (a `ConfigurationError` otherwise, unless
   * the timer is off), or on-time ticks of a `none` schedule would be skipped.
   */
  lateToleranceMs?: number;
  /**
   * Asked before each pass: while it returns false, the pass lists and starts nothing, since which ticks are due is
   * decided by this process's clock (a clock ahead would start ticks early). Pass `() => !monitor.isSkewed()` of a
   * `ClockSkewMonitor`, also when `clock` is its `referenceClock`: that clock is only as right as the last
   * measurement, and a clock found far off is one that may be stepped back into place before the next. A skipped pass is not reported to `metrics`. The scheduler logs once when it stops and once
   * when it resumes. Default: always true.
   */
  mayClaimByClock?: () => boolean;
}

/** What one pass did. */
export interface SchedulerPassResult {
  /** Ticks this scheduler claimed (each claimed by exactly one scheduler). */
  claimed: number;
  /** Ids of the runs started, in order. */
  runIds: string[];
  /** Ticks whose run could not be started (refused by the orchestrator, or the store failed); logged with the reason. */
  failed: number;
}

/** Starts the runs of due schedules. Several schedulers (one per host) may share a store: each tick runs once. */
export interface Scheduler {
  /** Starts the periodic passes, when `intervalMs` is above 0. */
  start(): void;
  /** Claims due ticks and starts their runs now; concurrent calls share one pass. */
  runDueSchedules(): Promise<SchedulerPassResult>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Creates a scheduler: every `intervalMs` it lists due schedules, enqueues a run per tick with the idempotency key
 * `schedule:<id>:<tick>` (so that a repeated start finds the first run), then claims the tick in the store (a
 * compare-and-set on `nextRunAt`, so that of schedulers racing for a tick exactly one moves the schedule on). A
 * process that dies between the two loses no tick: the next pass, here or on another host, finds its runs.
 * @example
 * const scheduler = createScheduler({ orchestrator, store: database.scheduleStore });
 * scheduler.start();
 * // on shutdown, before draining the orchestrator:
 * await scheduler.stop();
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const intervalMs = options.intervalMs ?? DEFAULT_SCHEDULER_INTERVAL_MS;
  const lateToleranceMs = options.lateToleranceMs ?? Math.max(DEFAULT_LATE_TOLERANCE_MS, 2 * intervalMs);
  if (!Number.isInteger(intervalMs) || intervalMs < 0) throw new ConfigurationError(`intervalMs must be a non-negative integer, got ${intervalMs}.`);
  if (!Number.isInteger(lateToleranceMs) || lateToleranceMs < 0) throw new ConfigurationError(`lateToleranceMs must be a non-negative integer, got ${lateToleranceMs}.`);
  // A tick is found up to one interval after its time: a shorter tolerance would skip on-time ticks of `none` schedules.
  if (intervalMs > 0 && lateToleranceMs <= intervalMs) {
    throw new ConfigurationError(`lateToleranceMs (${lateToleranceMs}) must be longer than intervalMs (${intervalMs}), or ticks found on time by a pass would count as missed.`);
  }
  if (typeof options.orchestrator?.enqueue !== "function" || !options.store) throw new ConfigurationError("createScheduler needs an orchestrator and a schedule store.");
  if (options.mayClaimByClock !== undefined && typeof options.mayClaimByClock !== "function") throw new ConfigurationError("mayClaimByClock must be a function.");
  const { orchestrator, store } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noopMetricsSink;
  const mayClaim = createClaimGate(options.mayClaimByClock, logger, "scheduled ticks");
  let cancelTimer: (() => void) | undefined;
  let passing: Promise<SchedulerPassResult> | undefined;
  let stopped = false;

  /**
   * Starts a tick's run; a refusal is counted and logged, and said to be transient or not. A run the queue refused
   * (it ended `CANCELLED`, `queue_rejected`) is not the tick's run: a later pass makes the next attempt, under its
   * own key, once the refused one is old enough (5 s, doubling with each refusal, at most 5 min).
   */
  const startRun = async (schedule: Schedule, tick: Date, now: Date, result: SchedulerPassResult): Promise<{ runId: string } | { transient: boolean }> => {
    try {
      for (let attempt = 1; attempt <= MAX_TICK_ATTEMPTS; attempt += 1) {
        const run = await orchestrator.enqueue({
          agent: schedule.agentName,
          input: schedule.input,
          intent: `scheduled run of schedule ${schedule.id} for ${tick.toISOString()}`,
          context: { organizationId: schedule.organizationId, userId: schedule.createdBy },
          idempotencyKey: scheduleTickKey(schedule.id, tick, attempt),
        });
        if (!isRefusedByQueue(run)) {
          logger.info({ scheduleId: schedule.id, agent: schedule.agentName, tick: tick.toISOString(), runId: run.id }, "scheduled run started");
          return { runId: run.id };
        }
        if (!mayRetryRefusedTick(attempt, run, now)) return { transient: true };
      }
      result.failed += 1;
      logger.warn({ scheduleId: schedule.id, agent: schedule.agentName, tick: tick.toISOString(), code: "CANCELLED", retriedNextPass: false }, "scheduled run could not be started");
      return { transient: false };
    } catch (error) {
      result.failed += 1;
      const transient = isTransientError(error);
      logger.warn(
        { scheduleId: schedule.id, agent: schedule.agentName, tick: tick.toISOString(), code: isNeonhubError(error) ? error.code : "UNKNOWN", retriedNextPass: transient, error },
        "scheduled run could not be started",
      );
      return { transient };
    }
  };

  const claimAndStart = async (listed: Schedule, now: Date, result: SchedulerPassResult): Promise<void> => {
    // Read again: a schedule disabled, deleted, changed or claimed since the listing starts nothing.
    const due = await store.getSchedule(listed.organizationId, listed.id);
    if (!due?.enabled || due.nextRunAt.getTime() !== listed.nextRunAt.getTime()) return;
    let plan: ReturnType<typeof planTicks>;
    try {
      plan = planTicks({ expression: parseCronExpression(due.cron, due.timeZone, now), dueAt: due.nextRunAt, now, catchUp: due.catchUp, lateToleranceMs });
    } catch (error) {
      // Stored by an older version with rules that changed, or edited by hand: parked rather than retried each pass.
      logger.warn({ scheduleId: due.id, error }, "schedule has an invalid expression; it will not run until it is changed");
      plan = { ticks: [], nextRunAt: null };
    }
    // The runs start before the tick is claimed. Each has its tick's idempotency key, so a scheduler racing this
    // one, or the next one to pass after this process died between the two, finds the same runs: a tick is
    // neither started twice nor lost with a process that had claimed it.
    const runIds: string[] = [];
    let retryLater = false;
    for (const tick of plan.ticks) {
      const started = await startRun(due, tick, now, result);
      if ("runId" in started) runIds.push(started.runId);
      else retryLater ||= started.transient;
    }
    // A run refused for a passing reason (the queue or the database away) keeps the tick due for the next pass;
    // one refused for good (the agent or its input no longer valid) is logged and the tick passes.
    if (retryLater) return;
    const claimed = await store.claimTick({ organizationId: due.organizationId, scheduleId: due.id, dueAt: due.nextRunAt, updatedAt: due.updatedAt, nextRunAt: plan.nextRunAt ?? NEVER, lastTickAt: plan.ticks.at(-1) ?? null });
    if (!claimed) return;
    result.claimed += 1;
    result.runIds.push(...runIds);
    if (plan.ticks.length === 0) logger.info({ scheduleId: due.id, skippedFrom: due.nextRunAt.toISOString() }, "missed ticks skipped (catch-up policy none)");
  };

  const pass = async (): Promise<SchedulerPassResult> => {
    const result: SchedulerPassResult = { claimed: 0, runIds: [], failed: 0 };
    if (stopped || !mayClaim()) return result;
    const now = new Date(clock.now());
    let due: Schedule[];
    try {
      due = await store.listDueSchedules({ now, limit: DUE_BATCH });
    } catch (error) {
      logger.warn({ error }, "due schedules could not be listed");
      metrics.backgroundPassFinished({ task: "schedules", outcome: "failed", items: 0 });
      return result;
    }
    for (const schedule of due) {
      if (stopped) break;
      try {
        await claimAndStart(schedule, now, result);
      } catch (error) {
        result.failed += 1;
        logger.warn({ scheduleId: schedule.id, error }, "schedule tick could not be claimed");
      }
    }
    metrics.backgroundPassFinished({ task: "schedules", outcome: result.failed > 0 ? "failed" : "succeeded", items: result.runIds.length });
    return result;
  };

  const runDueSchedules = (): Promise<SchedulerPassResult> => (passing ??= pass().finally(() => (passing = undefined)));

  const arm = (): void => {
    cancelTimer = clock.schedule(intervalMs, () => {
      void runDueSchedules().finally(() => {
        if (!stopped) arm();
      });
    });
  };

  return {
    start() {
      if (intervalMs > 0 && !stopped && cancelTimer === undefined) arm();
    },
    runDueSchedules,
    async stop() {
      stopped = true;
      cancelTimer?.();
      await passing?.catch(() => undefined);
    },
  };
}
