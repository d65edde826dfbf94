/**
 * Whose failures an agent's breaker counts: `agent` keeps one breaker shared by every organization; `organization`
 * keeps one per organization, so one organization's failing runs close the agent to that organization only.
 */
export type BreakerScope = "agent" | "organization";

/** The values of {@link BreakerScope}. */
export const BREAKER_SCOPES: readonly BreakerScope[] = Object.freeze(["agent", "organization"]);

/** Circuit breaker settings: opens after `failureThreshold` failed runs in a row, half-opens after `resetTimeoutMs`. */
export interface BreakerPolicy {
  enabled: boolean;
  failureThreshold: number;
  resetTimeoutMs: number;
  /** One breaker for the agent (default) or one per organization that runs it. */
  scope: BreakerScope;
  /**
   * With `scope: "organization"`, the organizations whose breakers an agent keeps (default 10,000). An organization
   * has one from a failed run until a run succeeds while it is closed; beyond the bound the least recently used are
   * forgotten, and a forgotten breaker, even an open one, is closed on the organization's next run.
   */
  maxOrganizations: number;
}

/** Retry settings for transient failures: exponential backoff from `baseDelayMs`, each delay randomized between 1x and 2x. */
export interface RetryPolicy {
  /** Total attempts, including the first. 1 disables retries. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Randomize each delay (recommended, avoids retry storms). */
  jitter: boolean;
}

/** Admission limit per (agent, user): `limit` runs per `windowMs`, rejected at once beyond it. */
export interface AdmissionPolicy {
  enabled: boolean;
  limit: number;
  windowMs: number;
}

/** Optional per-agent concurrency cap with a bounded wait queue. */
export interface ConcurrencyPolicy {
  maxConcurrent: number;
  /** Runs that may wait for a slot; more are rejected with `RATE_LIMITED`. */
  maxQueued: number;
}

/** The resilience policies of a run. Agents override the orchestrator's defaults field by field. */
export interface RunPolicies {
  breaker: BreakerPolicy;
  retry: RetryPolicy;
  admission: AdmissionPolicy;
  concurrency: ConcurrencyPolicy | null;
  /** Deadline of a whole run (all attempts), in ms. */
  timeoutMs: number;
}

/** Per-field overrides of {@link RunPolicies}. */
export interface RunPolicyOverrides {
  breaker?: Partial<BreakerPolicy>;
  retry?: Partial<RetryPolicy>;
  admission?: Partial<AdmissionPolicy>;
  concurrency?: ConcurrencyPolicy | null;
  timeoutMs?: number;
}

/** The platform's defaults. */
export const DEFAULT_RUN_POLICIES: RunPolicies = Object.freeze({
  breaker: Object.freeze({ enabled: true, failureThreshold: 3, resetTimeoutMs: 10_000, scope: "agent", maxOrganizations: 10_000 }),
  retry: Object.freeze({ attempts: 3, baseDelayMs: 75, maxDelayMs: 5_000, jitter: true }),
  admission: Object.freeze({ enabled: true, limit: 60, windowMs: 60_000 }),
  concurrency: null,
  timeoutMs: 60_000,
}) as RunPolicies;
