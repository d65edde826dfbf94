import {
  BoundedMap,
  type CircuitBreaker,
  type Clock,
  type MetricsSink,
  createCircuitBreaker,
  isNeonhubError,
  retryWithBackoff,
} from "@neonhub/core";
import type { ConnectorDefinition, RetrySpec } from "../sdk/connector-definition.js";
import { type KeyedPacer, createKeyedPacer } from "./create-keyed-pacer.js";
import { type Pacer, createPacer, declaresPacing } from "./create-pacer.js";

/** Defaults of a connector's retry policy. */
export const DEFAULT_CONNECTOR_RETRY: Required<RetrySpec> = { attempts: 3, baseDelayMs: 200, maxDelayMs: 10_000, maxRetryAfterMs: 30_000 };
/** Defaults of a connector's breaker. */
export const DEFAULT_CONNECTOR_BREAKER = { failureThreshold: 5, resetTimeoutMs: 30_000 };

/** Options of {@link createConnectorResilience}. */
export interface ConnectorResilienceOptions {
  metrics: MetricsSink;
  clock: Clock;
  /** Replaces every connector's retry settings, field by field; `false` turns retries off. */
  retry?: Partial<RetrySpec> | false;
  /** Whether declared pacing applies (live mode). */
  pacing: boolean;
  /** Bound of the connectors whose keyed pacers are kept. Default 1,000. */
  maxConnectors?: number;
  /**
   * Bound of the pacers kept, one per connector and organization (a provider's rate limit is its account's, and
   * each organization calls with its own); the least recently used go first. Default 10,000.
   */
  maxPacers?: number;
  /** Bound of the breakers kept, one per connector and base URL origin; the least recently used go first. Default 10,000. */
  maxBreakers?: number;
}

/** What happens around each call of a connector: pacing, breaker and retries. */
export interface ConnectorResilience {
  execute<T>(
    connector: ConnectorDefinition,
    fn: (attempt: number) => Promise<T>,
    options: {
      signal: AbortSignal;
      onRetry?: (error: unknown) => void;
      pacingKey?: string;
      /** The calling organization: declared pacing (`rateLimit`) applies to each organization on its own. */
      organizationId?: string;
      /** Calls with a scope (a base URL origin other than the connector's default) share a breaker of their own. */
      breakerScope?: string | undefined;
    },
  ): Promise<T>;
  breakerState(connectorId: string, breakerScope?: string): "closed" | "open" | "half_open";
  /** Pacers kept now (bounded by `maxPacers`). */
  pacerCount(): number;
  stop(): Promise<void>;
}

/**
 * Transient failures that count against the breaker: 5xx, timeouts, network errors, also when an unsafe action's
 * outcome is therefore unknown. 429s and 4xx do not, nor a retryable 409 (Resend's answer while another request
 * with the same idempotency key is in flight): the provider is up and answering.
 */
function isBreakerFailure(error: unknown): boolean {
  if (!isNeonhubError(error)) return true;
  if (error.details?.status === 409) return false;
  return (error.isRetryable && error.code !== "RATE_LIMITED") || error.code === "STEP_OUTCOME_UNKNOWN";
}

/** Default bound of the breakers a client keeps. */
export const DEFAULT_MAX_BREAKERS = 10_000;

const breakerKeyOf = (connectorId: string, scope: string | undefined) => (scope === undefined ? connectorId : `${connectorId}\u0000${scope}`);

/** Default bound of the pacers a client keeps. */
export const DEFAULT_MAX_PACERS = 10_000;

/**
 * Creates the breakers (core's, kind `connector`, one per connector and base URL origin, all reporting under the
 * connector's id) and the pacers (one per connector and organization), each kept in a bounded map.
 */
export function createConnectorResilience(options: ConnectorResilienceOptions): ConnectorResilience {
  const max = options.maxConnectors ?? 1_000;
  // An evicted breaker is forgotten with its failures; the next call of its scope starts a closed one.
  const breakers = new BoundedMap<string, CircuitBreaker>(options.maxBreakers ?? DEFAULT_MAX_BREAKERS, (_key, breaker) => breaker.shutdown());
  // An evicted pacer takes no new calls but lets those waiting in it go at its pace; the organization's next call
  // starts a fresh one (a short burst over the limit at worst, which the provider answers with 429 and Retry-After).
  const pacers = new BoundedMap<string, Pacer>(options.maxPacers ?? DEFAULT_MAX_PACERS, (_key, pacer) => void pacer.stop({ dropWaiting: false }));
  const keyedPacers = new BoundedMap<string, KeyedPacer>(max);

  const keyedPacerFor = (connector: ConnectorDefinition) => {
    if (!options.pacing || connector.keyedPacing === undefined) return null;
    let pacer = keyedPacers.get(connector.id);
    if (pacer === undefined) {
      pacer = createKeyedPacer({ clock: options.clock, minTimeMs: connector.keyedPacing.minTimeMs });
      keyedPacers.set(connector.id, pacer);
    }
    return pacer;
  };

  const breakerFor = (connector: ConnectorDefinition, scope: string | undefined) => {
    const key = breakerKeyOf(connector.id, scope);
    let breaker = breakers.get(key);
    if (breaker === undefined) {
      breaker = createCircuitBreaker({
        name: connector.id,
        kind: "connector",
        failureThreshold: connector.breaker?.failureThreshold ?? DEFAULT_CONNECTOR_BREAKER.failureThreshold,
        resetTimeoutMs: connector.breaker?.resetTimeoutMs ?? DEFAULT_CONNECTOR_BREAKER.resetTimeoutMs,
        metrics: options.metrics,
        clock: options.clock,
        isFailure: isBreakerFailure,
      });
      breakers.set(key, breaker);
    }
    return breaker;
  };

  const pacerFor = (connector: ConnectorDefinition, organizationId: string | undefined) => {
    if (!options.pacing || !declaresPacing(connector.rateLimit)) return null;
    const key = `${connector.id}\u0000${organizationId ?? ""}`;
    let pacer = pacers.get(key);
    if (pacer === undefined) {
      pacer = createPacer(connector.rateLimit);
      pacers.set(key, pacer);
    }
    return pacer;
  };

  return {
    async execute(connector, fn, { signal, onRetry, pacingKey, organizationId, breakerScope }) {
      const settings = options.retry === false ? { ...DEFAULT_CONNECTOR_RETRY, attempts: 1 } : { ...DEFAULT_CONNECTOR_RETRY, ...connector.retry, ...options.retry };
      const breaker = breakerFor(connector, breakerScope);
      const pacer = pacerFor(connector, organizationId);
      const keyed = pacingKey === undefined ? null : keyedPacerFor(connector);
      const paced = (attempt: number) => breaker.execute(() => (pacer === null ? fn(attempt) : pacer.schedule(() => fn(attempt))));
      const once = keyed === null ? paced : async (attempt: number) => {
        await keyed.wait(pacingKey as string, signal);
        return paced(attempt);
      };
      if (settings.attempts <= 1) return once(1);
      return retryWithBackoff(once, {
        attempts: settings.attempts,
        baseDelayMs: settings.baseDelayMs,
        maxDelayMs: settings.maxDelayMs,
        jitter: true,
        signal,
        clock: options.clock,
        shouldRetry: (error) =>
          isNeonhubError(error) && error.isRetryable && !signal.aborted && (error.retryAfterMs ?? 0) <= settings.maxRetryAfterMs,
        onRetry: ({ error }) => onRetry?.(error),
      });
    },
    breakerState: (connectorId, breakerScope) => breakers.peek(breakerKeyOf(connectorId, breakerScope))?.state() ?? "closed",
    pacerCount: () => pacers.size,
    async stop() {
      for (const breaker of breakers.values()) breaker.shutdown();
      for (const pacer of pacers.values()) await pacer.stop();
    },
  };
}
