/**
 * Every state a run can be in. `QUEUED`, `RUNNING` and `WAITING` (a durable sleep or wait for a signal, holding no
 * worker) are open; the rest are final.
 */
export const RUN_STATUSES = ["QUEUED", "RUNNING", "WAITING", "COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"] as const;

/** The state of an {@link AgentRun}. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The states a run ends in. */
export type FinalRunStatus = Exclude<RunStatus, "QUEUED" | "RUNNING" | "WAITING">;

/** True when the run has ended and will not change again. */
export function isFinalRunStatus(status: RunStatus): status is FinalRunStatus {
  return status !== "QUEUED" && status !== "RUNNING" && status !== "WAITING";
}

/** Every state a tool execution can be in. */
export const TOOL_EXECUTION_STATUSES = ["RUNNING", "SUCCEEDED", "FAILED"] as const;

/** The state of a {@link ToolExecution}. */
export type ToolExecutionStatus = (typeof TOOL_EXECUTION_STATUSES)[number];
