import type { StoredError } from "./agent-run.js";
import type { ToolExecutionStatus } from "./run-status.js";

/** One connector or tool call made inside a run; input and output are redacted before storing. */
export interface ToolExecution {
  id: string;
  runId: string;
  /** Connector id (`slack`) or tool name when the call is not a connector. */
  connector: string;
  /** Action of the connector (`postMessage`); equals `connector` for plain tools. */
  action: string;
  status: ToolExecutionStatus;
  input: unknown;
  output: unknown;
  error: StoredError | null;
  /** Key of the journal step the call belongs to; null for calls recorded before runs were journaled. */
  stepKey: string | null;
  /** Attempt of the run during which the call was made, from 1. */
  attempt: number;
  startedAt: Date;
  completedAt: Date | null;
  durationMs: number | null;
}
