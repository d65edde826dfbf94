import OpossumBreaker from "opossum";
import { CircuitOpenError, ConfigurationError } from "../errors/errors.js";
import type { Clock } from "../ports/clock.js";
import type { BreakerKind, BreakerState, MetricsSink } from "../ports/metrics-sink.js";
import { noopMetricsSink } from "../telemetry/noop-metrics-sink.js";
import { MAX_TIMER_DELAY_MS, systemClock } from "../telemetry/system-clock.js";
import { CallCountedStatistics } from "./opossum-statistics.js";

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Agent or connector name; used in errors and metrics. */
  name: string;
  kind: BreakerKind;
  /** Failed calls in a row that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before a trial call is let through (half-open). */
  resetTimeoutMs: number;
  metrics?: MetricsSink;
  clock?: Clock;
  /** Which errors count as failures; by default all do. Errors that do not count still reach the caller. */
  isFailure?: (error: unknown) => boolean;
  /** Set on one organization's breaker of an agent; passed on with its state changes to the metrics. */
  scope?: "organization";
  /** Called on each state change, after the metrics are told. */
  onStateChange?: (state: BreakerState) => void;
}

/** A circuit breaker around async calls. */
export interface CircuitBreaker {
  /**
   * Runs `call` unless the circuit is open.
   * @throws CircuitOpenError while open, with `retryAfterMs` until the next trial.
   */
  execute<T>(call: () => Promise<T>): Promise<T>;
  state(): BreakerState;
  /** Milliseconds until an open circuit lets a trial call through; 0 when not open. */
  retryAfterMs(): number;
  /** Stops the breaker's timers. */
  shutdown(): void;
}

type Call = () => Promise<unknown>;

/**
 * Creates a breaker that opens after `failureThreshold` failures in a row (opossum's own percentage rule is
 * switched off because the platform's contract counts consecutive failures) and half-opens after
 * `resetTimeoutMs`; in half-open the first failure opens it again and the first success closes it.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) {
    throw new ConfigurationError(`failureThreshold of breaker "${options.name}" must be a positive integer.`);
  }
  // opossum waits it out in one Node.js timer, which fires after 1 ms for a longer delay.
  if (!Number.isFinite(options.resetTimeoutMs) || options.resetTimeoutMs < 1 || options.resetTimeoutMs > MAX_TIMER_DELAY_MS) {
    throw new ConfigurationError(`resetTimeoutMs of breaker "${options.name}" must be a positive number of at most ${MAX_TIMER_DELAY_MS} (about 24.8 days).`);
  }
  const metrics = options.metrics ?? noopMetricsSink;
  const clock = options.clock ?? systemClock;
  const isFailure = options.isFailure ?? (() => true);
  const target = options.scope === undefined ? { name: options.name, kind: options.kind } : { name: options.name, kind: options.kind, scope: options.scope };
  const failureTarget = { name: options.name, kind: options.kind };
  const changedTo = (state: BreakerState): void => {
    metrics.breakerStateChanged({ ...target, state });
    options.onStateChange?.(state);
  };
  // Opening is decided by the consecutive-failure count below, not by opossum's rolling statistics; those keep
  // every call's latency, so their bucket turns over by call count to stay small.
  const statistics = new CallCountedStatistics();
  const breaker = new OpossumBreaker((call: Call) => call(), {
    timeout: false,
    resetTimeout: options.resetTimeoutMs,
    volumeThreshold: Number.MAX_SAFE_INTEGER,
    errorFilter: (error: unknown) => !isFailure(error),
    enableSnapshots: false,
    rollingPercentilesEnabled: false,
    rollingCountBuckets: 1,
    rotateBucketController: statistics.rotateBucketController,
  });
  statistics.watch(breaker);
  let consecutiveFailures = 0;
  let openedAt = 0;

  const countFailure = (): void => {
    metrics.breakerFailure(failureTarget);
    consecutiveFailures += 1;
    if (breaker.closed && consecutiveFailures >= options.failureThreshold) breaker.open();
  };
  // Outcomes of calls that go through opossum (trial calls in half-open); filtered errors arrive as successes.
  breaker.on("failure", countFailure);
  breaker.on("success", () => {
    consecutiveFailures = 0;
  });
  const afterSuccess = <T>(value: T): T => {
    consecutiveFailures = 0;
    return value;
  };
  const afterError = (error: unknown): never => {
    if (isFailure(error)) countFailure();
    else consecutiveFailures = 0;
    throw error;
  };
  breaker.on("open", () => {
    openedAt = clock.now();
    changedTo("open");
  });
  breaker.on("halfOpen", () => changedTo("half_open"));
  breaker.on("close", () => {
    consecutiveFailures = 0;
    changedTo("closed");
  });

  const state = (): BreakerState => (breaker.opened ? "open" : breaker.halfOpen ? "half_open" : "closed");
  const retryAfterMs = (): number => (breaker.opened ? Math.max(0, openedAt + options.resetTimeoutMs - clock.now()) : 0);

  return {
    execute<T>(call: () => Promise<T>): Promise<T> {
      if (breaker.closed && !breaker.isShutdown) {
        // Closed, opossum's fire would only pass the call through and keep statistics that nothing reads (its
        // promises, closures and events were about a tenth of a run). The outcome is counted here instead, and
        // opossum is opened on the threshold; opossum keeps the state, the reset timer and the half-open trial.
        let pending: Promise<T>;
        try {
          pending = call();
        } catch (error) {
          pending = Promise.reject(error);
        }
        return pending.then(afterSuccess, afterError);
      }
      // Refused here when opossum would refuse (open, or half-open with its trial call out), with the platform's error.
      if (!breaker.closed && !breaker.pendingClose) return Promise.reject(new CircuitOpenError(options.name, Math.max(1, retryAfterMs())));
      return breaker.fire(call) as Promise<T>;
    },
    state,
    retryAfterMs,
    shutdown: () => breaker.shutdown(),
  };
}
