import type { AgentRun } from "../model/agent-run.js";
import type { StoredError } from "../model/agent-run.js";
import type { JournalStep } from "../model/journal-step.js";
import type { RunSignal } from "../model/run-signal.js";
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
  /**
   * The caller's bound on each execution of the run, in whole milliseconds, returned as the run's `timeoutMs` by
   * every read. Absent or `null`: the run executes under its agent's `timeoutMs` policy.
   */
  timeoutMs?: number | null;
  /** The executor's lease, for a run created `RUNNING`; its fence starts at 1. */
  lease: RunLease | null;
}

/** An executor's hold on a running run. */
export interface RunLease {
  /** The executor's id. */
  owner: string;
  expiresAt: Date;
}

/** Whether `createRun` wrote a new run or found one under the same idempotency key or id. */
export type CreateRunResult = { created: true; run: AgentRun } | { created: false; run: AgentRun };

/** Moves a `QUEUED` run to `RUNNING` under an executor's lease (its fence is raised). */
export interface StartRunInput {
  organizationId: string;
  runId: string;
  /**
   * The version of the agent that executes the run, recorded as the run's `agentVersion`. A queued run has no
   * journal yet, so it is pinned to the version that starts it, not the one that queued it (a rolling deploy).
   */
  agentVersion: string;
  startedAt: Date;
  traceId: string | null;
  lease: RunLease;
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
  /**
   * The executor's fencing token. When given, an open run whose fence differs is not finished: the store throws
   * `LeaseLostError`. Without it (a cancel from outside) any open run is finished.
   */
  fence?: number;
}

/** Filters and page of {@link RunStore.listRuns}; results are newest first. */
export interface ListRunsQuery {
  organizationId: string;
  agentName?: string;
  status?: RunStatus;
  /** Only runs started for this user. */
  userId?: string;
  /** Only the child runs of this run (`ctx.runAgent`), served by an index on the parent. */
  parentRunId?: string;
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

/**
 * The period of {@link RunStore.summarizeAgentPeriod}: the runs of one agent in one organization created from
 * `since` to before `until` (at most 92 days: `MAX_AGENT_PERIOD_MS`).
 */
export interface SummarizeAgentPeriodQuery {
  organizationId: string;
  agentName: string;
  since: Date;
  until: Date;
}

/** One run metric (`AgentRunMetric`) over the runs of a period, by name and unit. */
export interface PeriodMetricSummary {
  name: string;
  unit: string;
  /** Values recorded: one per `reportMetric` call (every attempt's), one per run for the built-in metrics. */
  count: number;
  sum: number;
  /** `sum / count`. */
  average: number;
}

/** The tool executions of a period's runs, by connector and action. */
export interface PeriodToolSummary {
  connector: string;
  action: string;
  calls: number;
  /** Calls that ended `FAILED`. */
  failed: number;
}

/** Result of {@link RunStore.summarizeAgentPeriod}: how one agent's runs of a period went. */
export interface AgentPeriodSummary {
  agentName: string;
  since: Date;
  until: Date;
  /** Runs created in the period, whatever their status. */
  total: number;
  /** Runs by status; every status is present, zero when none. */
  byStatus: Record<RunStatus, number>;
  /** `COMPLETED` runs over `COMPLETED`, `FAILED` and `TIMED_OUT` ones (cancelled runs are left out); null when none. */
  successRate: number | null;
  /** Median (nearest rank) of finished runs' `durationMs`; null when none finished. */
  p50DurationMs: number | null;
  /** 95th percentile (nearest rank) of finished runs' `durationMs`; null when none finished. */
  p95DurationMs: number | null;
  /** The runs' metrics (`duration_ms`, `attempts`, `tool_calls` and those reported with `ctx.reportMetric`), sorted by name then unit. */
  metrics: PeriodMetricSummary[];
  /** The runs' tool executions, sorted by connector then action. */
  tools: PeriodToolSummary[];
}

/** A journal write: the step at a position, with the tool execution it recorded, under the executor's fence. */
export interface RecordStepInput {
  organizationId: string;
  runId: string;
  /** Refused with `LeaseLostError` unless the run is `RUNNING` with this fence. */
  fence: number;
  /** Written over any entry at the same position. */
  step: Omit<JournalStep, "runId">;
  /** Written (inserted, or updated by id) in the same transaction. */
  toolExecution?: Omit<ToolExecution, "runId">;
  /**
   * The signal name, when the step journals a wait for that signal as timed out. The write is then refused with
   * `SignalConflictError` when the run already holds a signal of that name: the signal came before the wait ended,
   * and the wait receives it instead. The store checks under the same lock of the run that `sendSignal` takes, so
   * of a signal and the timeout racing, exactly one is kept.
   */
  timedOutSignal?: string;
}

/** Renews the leases of the runs an executor is running. */
export interface RenewLeasesInput {
  owner: string;
  /**
   * The runs to renew, each with the fence its execution holds. A run whose fence has moved on was taken over,
   * possibly by this same owner after its lease lapsed: that lease is not renewed.
   */
  runs: ReadonlyArray<{ runId: string; fence: number }>;
  expiresAt: Date;
  /**
   * Gives the runs up (with an `expiresAt` of now, as an executor that shuts down does with runs it claimed but will
   * not execute): the lease owner is cleared too, so that the next claim takes them without counting a takeover.
   */
  giveUp?: boolean;
}

/** Takes over runs for an executor: `RUNNING` runs whose lease lapsed and `WAITING` runs that are due. */
export interface ClaimRunsInput {
  owner: string;
  now: Date;
  /** The new lease's end. */
  leaseExpiresAt: Date;
  /** Only runs of these agents (the ones the executor has). */
  agentNames: readonly string[];
  limit: number;
}

/**
 * A run {@link RunStore.claimRuns} took, now `RUNNING` under the claimant's lease, with whether this claim took it
 * over from an executor that stopped renewing its lease. An `AgentRun` with one more field, so code that reads the
 * claimed runs as `AgentRun`s needs no change.
 */
export interface ClaimedRun extends AgentRun {
  /**
   * True when this claim counted a takeover: the run was `RUNNING` with an owner whose lease had lapsed, and the claim
   * raised its `takeovers` by one. False for a `WAITING` run that was due and for a `RUNNING` run its owner gave up
   * (`renewLeases` with `giveUp`). Taken from the run as the claim found it, in the same atomic step, so of executors
   * racing for one run only the one that got it reports the takeover.
   */
  takenOver: boolean;
}

/** Parks a running run as `WAITING` until `wakeAt`, releasing its lease. */
export interface SuspendRunInput {
  /** The run's organization. */
  organizationId: string;
  /** The run to park. */
  runId: string;
  /** The fence the executor holds: the park is refused with `LEASE_LOST` when it is no longer the run's. */
  fence: number;
  /** When the run is due again without a signal: the earliest deadline of its waits. */
  wakeAt: Date;
  /**
   * The signals the run waits for, every name once (none for a sleep). A run waiting on several at once
   * (`Promise.all` of `ctx.waitForSignal` calls) lists them all: when any of them is already there (sent while the
   * run was still running or being parked), the run is due at once (`wakeAt` becomes `now`).
   */
  signalNames: readonly string[];
  /** The time of the park: the run's `wakeAt` when one of `signalNames` was already sent. */
  now: Date;
}

/** A signal to deliver to an open run. */
export interface SendSignalInput extends RunSignal {
  organizationId: string;
}

/** Which runs {@link RunStore.listQueuedRuns} returns. */
export interface ListQueuedRunsInput {
  /** Runs created before this instant. */
  createdBefore: Date;
  /** At most this many, 1 to 1,000. */
  limit: number;
  /** The last run of the previous page: only runs after it (by creation time, then id) are returned. */
  after?: { createdAt: Date; runId: string };
}

/** Which runs {@link RunStore.deleteEndedRuns} deletes. */
export interface DeleteEndedRunsInput {
  /** Ended runs created before this instant. */
  createdBefore: Date;
  /** At most this many, 1 to 1,000, oldest first: repeat the call until fewer are deleted. */
  limit: number;
}

/** A run still `QUEUED`, with what a queue needs to carry it again. */
export interface QueuedRunReference {
  organizationId: string;
  runId: string;
  agentName: string;
  createdAt: Date;
}

/**
 * Where runs, tool executions and run metrics are persisted. Every method that takes an id also takes the
 * organization: a run of another organization is "not found". Adapters throw `StoreUnavailableError` when the
 * backing service cannot be reached, and run the conformance suite from `@neonhub/core/testing`.
 */
export interface RunStore {
  /** Version of this port that the adapter implements. */
  readonly specificationVersion: "v2";

  /**
   * Persists a run; with an idempotency key already used in the organization, or the id of a run the organization
   * holds (a create retried after its answer was lost), returns that run instead (atomically), with `created` false.
   * @throws AlreadyExistsError (`ALREADY_EXISTS`, `fields` `["id"]`) when another organization's run holds the id.
   */
  createRun(input: CreateRunInput): Promise<CreateRunResult>;

  /** Moves a `QUEUED` run to `RUNNING`; returns null when it is no longer queued (for example cancelled). */
  startRun(input: StartRunInput): Promise<AgentRun | null>;

  /** Records that another attempt started. */
  recordAttempt(organizationId: string, runId: string, attempts: number): Promise<void>;

  /**
   * Ends an open run with its metrics, and marks its tool executions still `RUNNING` as `FAILED` (interrupted).
   * The first finish wins: finishing a run that is already final returns it unchanged, so a cancel and a
   * completion racing each other leave one consistent record.
   * @throws LeaseLostError when `fence` is given and the open run's fence differs.
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

  /**
   * Outcomes, durations, metrics and tool calls of one agent's runs in a period (at most 92 days), from the index on
   * (organizationId, agentName, createdAt): what a tuning agent reads to adjust the agent's settings.
   * @throws ValidationError when the period is empty, reversed or longer than 92 days.
   */
  summarizeAgentPeriod(query: SummarizeAgentPeriodQuery): Promise<AgentPeriodSummary>;

  /** The tool executions of a run, in the order they started; empty for an unknown run. */
  listToolExecutions(organizationId: string, runId: string): Promise<ToolExecution[]>;

  /** The metrics recorded when the run finished. */
  listRunMetrics(organizationId: string, runId: string): Promise<RunMetric[]>;

  /** The run's journal, in position order; empty for an unknown run. */
  listSteps(organizationId: string, runId: string): Promise<JournalStep[]>;

  /**
   * Writes a journal step (and its tool execution) atomically, fenced.
   * @throws LeaseLostError when the run is not `RUNNING` under this fence; SignalConflictError when the input's
   * `timedOutSignal` names a signal the run already holds (nothing is written).
   */
  recordStep(input: RecordStepInput): Promise<void>;

  /**
   * Extends the leases of the owner's runs that are `RUNNING` under the given fence; returns the ids still held (the
   * others were taken over, by another executor or by this one, or ended). An `expiresAt` of now gives the runs up:
   * any executor's next claim takes them.
   */
  renewLeases(input: RenewLeasesInput): Promise<string[]>;

  /**
   * Takes over runs whose lease lapsed and waiting runs that are due, atomically (compare-and-set: of executors
   * racing for one run, exactly one gets it), raising each run's fence. A `RUNNING` run whose lease lapsed with an
   * owner (not given up) has its `takeovers` raised by one. Returns the runs taken, now `RUNNING`, each telling with
   * `takenOver` whether this claim counted a takeover of it (what the orchestrator counts in its takeover metric).
   * `QUEUED` runs are not claimed: their queue starts them (`startRun`).
   */
  claimRuns(input: ClaimRunsInput): Promise<ClaimedRun[]>;

  /**
   * Parks a running run as `WAITING`, fenced.
   * @throws LeaseLostError when the run is not `RUNNING` under this fence.
   */
  suspendRun(input: SuspendRunInput): Promise<AgentRun>;

  /**
   * Keeps a signal for the run (one per name) and makes a run waiting for it due at once. A signal is kept only if
   * the run can still receive it: its wait for the name must not have ended, that is, the run's journal must not
   * hold the `SIGNAL` step keyed by the name as `SUCCEEDED` (a wait that received a signal holds it, so such a step
   * is a timed-out one). The check is made under the same lock of the run as a `recordStep` with `timedOutSignal`.
   * @throws RunNotFoundError for an unknown run; SignalConflictError when the name was used, the run's wait for it
   * ended, or the run ended.
   */
  sendSignal(input: SendSignalInput): Promise<AgentRun>;

  /** The signal of that name sent to the run, or null. */
  getSignal(organizationId: string, runId: string, name: string): Promise<RunSignal | null>;

  /**
   * Runs of every organization still `QUEUED` that were created before `createdBefore`, oldest first: what a
   * reconciler compares with the queue, and what health reports as waiting too long. Served by an index on
   * status and creation time.
   */
  listQueuedRuns(input: ListQueuedRunsInput): Promise<QueuedRunReference[]>;

  /**
   * Retention: deletes runs of every organization that ended (`COMPLETED`, `FAILED`, `CANCELLED`, `TIMED_OUT`) and
   * were created before `createdBefore`, with their steps, signals, tool executions and metrics, oldest first;
   * returns how many it deleted. A run whose parent is still open is kept, since the parent reads its ending. The
   * idempotency key of a deleted run can be used again. Safe to call from several processes at once.
   */
  deleteEndedRuns(input: DeleteEndedRunsInput): Promise<number>;

  /** Resolves when the store can serve requests; rejects with `StoreUnavailableError` otherwise. */
  checkHealth(): Promise<void>;

  /** Releases connections. */
  close(): Promise<void>;
}
