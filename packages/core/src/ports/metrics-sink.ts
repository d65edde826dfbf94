import type { FinalRunStatus } from "../model/run-status.js";

/** State of a circuit breaker. */
export type BreakerState = "closed" | "open" | "half_open";

/** What a breaker protects: an agent or a connector. */
export type BreakerKind = "agent" | "connector";

/**
 * Periodic background work of a process: `run_retention` (deletes ended runs past their retention),
 * `queued_run_reconciliation` (puts back on the queue runs Redis lost) and `schedules` (starts due schedule ticks).
 */
export type BackgroundTask = "run_retention" | "queued_run_reconciliation" | "schedules";

/**
 * What became of a run taken over after its executor stopped renewing its lease: `resumed` (executed again from its
 * journal, here or, handed back by an instance shutting down, elsewhere) or `failed` (taken over more than
 * `durability.maxTakeovers` times, failed with `TAKEOVER_LIMIT` instead of executed).
 */
export type TakeoverOutcome = "resumed" | "failed";

/**
 * Receives what happens in the orchestrator and connectors, to turn it into metrics. Every method must be cheap
 * and must not throw; label values passed here come from registries (agent and connector names), never from
 * user input. `@neonhub/metrics` implements it with prom-client.
 */
export interface MetricsSink {
  /** A run reached a final status. */
  runFinished(event: { agent: string; status: FinalRunStatus; durationMs: number; attempts: number }): void;
  /** An attempt of a run failed and another is scheduled after `delayMs`. */
  retryScheduled(event: { agent: string; attempt: number; delayMs: number }): void;
  /**
   * A breaker changed state. `scope` is `organization` when the breaker is one organization's breaker of an agent
   * (`breaker.scope: "organization"`), and absent for an agent's shared breaker and for connector breakers: such
   * transitions of many organizations do not make one state of the agent.
   */
  breakerStateChanged(event: { name: string; kind: BreakerKind; state: BreakerState; scope?: "organization" }): void;
  /**
   * The number of organizations whose breaker of an organization-scoped agent is open changed (also reported as 0
   * when the agent is registered). Optional: a sink without it still receives the transitions and failures.
   */
  breakerOpenOrganizationsChanged?(event: { agent: string; open: number }): void;
  /** A call protected by a breaker failed. */
  breakerFailure(event: { name: string; kind: BreakerKind }): void;
  /** A run or call was rejected by a limit. */
  rateLimited(event: { agent: string; scope: "admission" | "concurrency" | "connector" }): void;
  /** A tool execution ended. */
  toolExecutionFinished(event: { connector: string; action: string; status: "SUCCEEDED" | "FAILED"; durationMs: number }): void;
  /** The number of jobs waiting in a queue changed. */
  queueDepthChanged(event: { queue: string; pending: number }): void;
  /**
   * An OAuth2 token refresh ended: `refreshed` (new tokens stored), `reused` (another caller had just refreshed),
   * `rejected` (the provider refused, the connection is now `EXPIRED`) or `failed` (transient, to be retried).
   */
  connectionRefreshed(event: { connector: string; outcome: "refreshed" | "reused" | "rejected" | "failed" }): void;
  /**
   * A pass of background work ended. `items` counts what it did: runs deleted (`run_retention`), runs put back on
   * their queue (`queued_run_reconciliation`), scheduled runs started (`schedules`). `failed` means the pass, or
   * part of it, could not be done and is retried at the next pass.
   */
  backgroundPassFinished(event: { task: BackgroundTask; outcome: "succeeded" | "failed"; items: number }): void;
  /**
   * A claim took a run over: it was `RUNNING` and its executor had stopped renewing its lease (the process died,
   * stalled past the lease, or lost the store). Wake-ups of waiting runs, queued runs starting and runs handed back
   * by an instance shutting down are not takeovers. Reported once per takeover, by the instance that claimed it.
   */
  runTakenOver(event: { agent: string; outcome: TakeoverOutcome }): void;
}
