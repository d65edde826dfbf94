import type { NeonhubError } from "../errors/neonhub-error.js";
import type { AgentRun } from "../model/agent-run.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";
import { endNoEarlierThan } from "../util/end-no-earlier.js";

/**
 * Fails a run this executor holds (under its fence) before its handler is called: its stored input no longer fits,
 * or it started on another agent version. Counted like any finished run.
 */
export async function failHeldRun(dependencies: ExecutionDependencies, run: AgentRun, statusReason: string, error: NeonhubError): Promise<AgentRun> {
  const { store, clock, metrics } = dependencies;
  const now = endNoEarlierThan(run.startedAt?.getTime() ?? 0, clock.now());
  const durationMs = now - (run.startedAt?.getTime() ?? now);
  const failed = await store.finishRun({
    organizationId: run.organizationId,
    runId: run.id,
    status: "FAILED",
    statusReason,
    output: null,
    error: { code: error.code, message: error.message },
    attempts: run.attempts,
    completedAt: new Date(now),
    durationMs,
    metrics: [],
    fence: run.fence,
  });
  metrics.runFinished({ agent: run.agentName, status: "FAILED", durationMs, attempts: run.attempts });
  return failed;
}
