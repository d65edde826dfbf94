import type { JournalStepSummary } from "./journal-step.js";
import type { RunStatus } from "./run-status.js";
import type { ToolExecution } from "./tool-execution.js";

/** What went wrong, as stored on a run or tool execution (already redacted). */
export interface StoredError {
  code: string;
  message: string;
}

/** One invocation of an agent, as persisted by a {@link RunStore}. */
export interface AgentRun {
  id: string;
  agentName: string;
  agentVersion: string;
  organizationId: string;
  userId: string;
  intent: string | null;
  status: RunStatus;
  /**
   * Why the run ended as it did (`completed`, `handler_failed`, `timeout`, `step_outcome_unknown`,
   * `agent_version_changed`, `takeover_limit`, ...).
   */
  statusReason: string | null;
  input: unknown;
  output: unknown;
  error: StoredError | null;
  idempotencyKey: string | null;
  /** Fingerprint of the request, to tell a replay from a conflicting reuse of the key. */
  requestHash: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  durationMs: number | null;
  traceId: string | null;
  parentRunId: string | null;
  /**
   * The caller's bound on each execution of the run (`OrchestrateRequest.timeoutMs`), in milliseconds: its first
   * execution, and each one after a durable wait or a takeover. `null`: the agent's `timeoutMs` policy.
   */
  timeoutMs: number | null;
  /**
   * Fencing token of the run's lease: raised each time an executor takes the run, so that a previous owner's late
   * writes are refused.
   */
  fence: number;
  /**
   * How many times the run was taken over after its executor stopped renewing its lease (it died, stalled, or lost
   * the store): not counting wake-ups after a durable wait, nor a run an executor gave up as it shut down. Past the
   * orchestrator's `durability.maxTakeovers` the run fails with `TAKEOVER_LIMIT` instead of being executed again.
   */
  takeovers: number;
  /** Executor holding the run while it is `RUNNING`. */
  leaseOwner: string | null;
  /** When the lease lapses unless renewed; after that another executor may take the run over. */
  leaseExpiresAt: Date | null;
  /** When a `WAITING` run is due to resume (its sleep ends, its wait times out, or a signal arrived). */
  wakeAt: Date | null;
}

/** A run together with the tool executions it made, its journal (without the replayed outputs) and its children. */
export interface AgentRunWithTools extends AgentRun {
  toolExecutions: ToolExecution[];
  steps: JournalStepSummary[];
  /** The runs it started (`ctx.runAgent`), oldest first, each with its own children (see {@link ChildRunSummary}). */
  children: ChildRunSummary[];
  /** True when it started more runs than its tree holds: `children` then leaves out some of them. */
  childrenTruncated: boolean;
}

/**
 * A child run in a run's tree. The tree holds at most {@link MAX_RUN_TREE_NODES} runs; `truncated` marks a run
 * whose children were left out (read that run for them).
 */
export interface ChildRunSummary {
  id: string;
  agentName: string;
  status: RunStatus;
  statusReason: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  durationMs: number | null;
  children: ChildRunSummary[];
  truncated: boolean;
}

/** The most runs a run's tree shows below it. */
export const MAX_RUN_TREE_NODES = 200;
