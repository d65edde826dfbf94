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
  /** Why the run ended as it did (`completed`, `handler_failed`, `timeout`, `abandoned`, ...). */
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
}

/** A run together with the tool executions it made. */
export interface AgentRunWithTools extends AgentRun {
  toolExecutions: ToolExecution[];
}
