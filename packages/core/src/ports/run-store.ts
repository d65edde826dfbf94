import type { AgentRun } from "../model/agent-run.js";
import type { StoredError } from "../model/agent-run.js";
import type { RunMetric } from "../model/run-metric.js";
import type { FinalRunStatus, RunStatus } from "../model/run-status.js";
import type { ToolExecution } from "../model/tool-execution.js";

/** A new run to persist. */
export interface CreateRunInput {
  id: string;
  agentName: string;
  agentVersion: string;
  organizationId: string;
  userId: string;
  intent: string | null;
  input: unknown;
  /** Unique per organization when set: a second create with the same key returns the first run. */
  idempotencyKey: string | null;
  requestHash: string | null;
  status: "QUEUED" | "RUNNING";
  createdAt: Date;
  startedAt: Date | null;
  traceId: string | null;
  parentRunId: string | null;
}

/** Whether `createRun` wrote a new run or found one under the same idempotency key. */
export type CreateRunResult = { created: true; run: AgentRun } | { created: false; run: AgentRun };

/** Moves a `QUEUED` run to `RUNNING`. */
export interface StartRunInput {
  organizationId: string;
  runId: string;
  startedAt: Date;
  traceId: string | null;
}

/** Ends an open run. */
export interface FinishRunInput {
  organizationId: string;
  runId: string;
  status: FinalRunStatus;
  statusReason: string;
  output: unknown;
  error: StoredError | null;
  attempts: number;
  completedAt: Date;
  durationMs: number;
  /** Written as `AgentRunMetric` rows in the same transaction as the status. */
  metrics: RunMetric[];
}

/** Filters and page of {@link RunStore.listRuns}; results are newest first. */
export interface ListRunsQuery {
  organizationId: string;
  agentName?: string;
  status?: RunStatus;
  /** Only runs started for this user. */
  userId?: string;
  /** Only runs whose intent contains this text, ignoring case (1 to 200 characters). */
  intentContains?: string;
  /** Inclusive lower bound on `createdAt`. */
  createdAfter?: Date;
  /** Exclusive upper bound on `createdAt`. */
  createdBefore?: Date;
  /** Page size, 1 to 500. */
  limit: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
}

/** One page of runs. */
export interface RunPage {
  runs: AgentRun[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The window of {@link RunStore.summarizeRuns}: runs of one organization created from `since` to before `until`. */
export interface SummarizeRunsQuery {
  organizationId: string;
  since: Date;
  until: Date;
}

/** How one agent's runs of the window went. */
export interface AgentRunSummary {
  agentName: string;
  total: number;
  completed: number;
  /** `FAILED` and `TIMED_OUT`. */
  failed: number;
  /** 95th percentile (nearest rank) of finished runs' `durationMs`; null when none finished. */
  p95DurationMs: number | null;
}

/** Runs of one status created in one minute of the window. */
export interface RunMinuteSummary {
  /** Start of the minute (UTC). */
  minute: Date;
  status: RunStatus;
  count: number;
  /** 95th percentile (nearest rank) of those runs' `durationMs`; null when none finished. */
  p95DurationMs: number | null;
}

/** Result of {@link RunStore.summarizeRuns}, sorted by agent name and by minute then status. */
export interface RunSummary {
  agents: AgentRunSummary[];
  minutes: RunMinuteSummary[];
}

/** A tool call that has started. */
export interface StartToolExecutionInput {
  id: string;
  organizationId: string;
  runId: string;
  connector: string;
  action: string;
  input: unknown;
  attempt: number;
  startedAt: Date;
}

/** The end of a tool call. */
export interface FinishToolExecutionInput {
  organizationId: string;
  id: string;
  status: "SUCCEEDED" | "FAILED";
  output: unknown;
  error: StoredError | null;
  completedAt: Date;
  durationMs: number;
}

/** Which open runs {@link RunStore.recoverOrphanedRuns} marks as failed. */
export interface RecoverOrphanedRunsInput {
  /** Runs `RUNNING` since before this instant are taken to be abandoned. */
  startedBefore: Date;
  statusReason: string;
  completedAt: Date;
}

/**
 * Where runs, tool executions and run metrics are persisted. Every method that takes an id also takes the
 * organization: a run of another organization is "not found". Adapters throw `StoreUnavailableError` when the
 * backing service cannot be reached, and run the conformance suite from `@neonhub/core/testing`.
 */
export interface RunStore {
  /** Version of this port that the adapter implements. */
  readonly specificationVersion: "v1";

  /** Persists a run; with an idempotency key already used in the organization, returns that run instead (atomically). */
  createRun(input: CreateRunInput): Promise<CreateRunResult>;

  /** Moves a `QUEUED` run to `RUNNING`; returns null when it is no longer queued (for example cancelled). */
  startRun(input: StartRunInput): Promise<AgentRun | null>;

  /** Records that another attempt started. */
  recordAttempt(organizationId: string, runId: string, attempts: number): Promise<void>;

  /**
   * Ends an open run with its metrics. The first finish wins: finishing a run that is already final returns it
   * unchanged, so a cancel and a completion racing each other leave one consistent record.
   * @throws RunNotFoundError when no such run exists in the organization.
   */
  finishRun(input: FinishRunInput): Promise<AgentRun>;

  /** The run, or null when it does not exist in the organization. */
  getRun(organizationId: string, runId: string): Promise<AgentRun | null>;

  /** The run that used this idempotency key in the organization, or null. */
  findRunByIdempotencyKey(organizationId: string, idempotencyKey: string): Promise<AgentRun | null>;

  /** Runs of one organization, newest first, with stable cursor pagination. */
  listRuns(query: ListRunsQuery): Promise<RunPage>;

  /**
   * Per-agent outcomes and per-minute counts of an organization's runs in a window (at most 24 hours), from an
   * index on the organization and creation time.
   */
  summarizeRuns(query: SummarizeRunsQuery): Promise<RunSummary>;

  /** Records a tool call as `RUNNING`. */
  startToolExecution(input: StartToolExecutionInput): Promise<ToolExecution>;

  /** Ends a tool call. */
  finishToolExecution(input: FinishToolExecutionInput): Promise<ToolExecution>;

  /** The tool executions of a run, in the order they started; empty for an unknown run. */
  listToolExecutions(organizationId: string, runId: string): Promise<ToolExecution[]>;

  /** The metrics recorded when the run finished. */
  listRunMetrics(organizationId: string, runId: string): Promise<RunMetric[]>;

  /** Marks runs left `RUNNING` by a process that died as `FAILED`; returns their ids. */
  recoverOrphanedRuns(input: RecoverOrphanedRunsInput): Promise<string[]>;

  /** Resolves when the store can serve requests; rejects with `StoreUnavailableError` otherwise. */
  checkHealth(): Promise<void>;

  /** Releases connections. */
  close(): Promise<void>;
}
