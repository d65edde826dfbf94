import { ChildRunLimitError } from "../errors/durable-errors.js";
import type { AgentRun } from "../model/agent-run.js";
import type { RunStore } from "../ports/run-store.js";

/** How deep a tree of child runs may grow: a root run's children are at depth 1. */
export const MAX_CHILD_RUN_DEPTH = 10;

/** How many child runs one run may start (`ctx.runAgent` calls over all its attempts and resumes). */
export const MAX_CHILD_RUNS_PER_RUN = 500;

/**
 * Refuses a child of `parent` that would be deeper than {@link MAX_CHILD_RUN_DEPTH}: an agent that calls itself
 * would otherwise start runs for ever. Reads one run per ancestor of `parent` (none for a root's children).
 * @throws ChildRunLimitError
 */
export async function requireChildDepth(store: RunStore, parent: AgentRun): Promise<void> {
  let depth = 1;
  let ancestorId = parent.parentRunId;
  while (ancestorId !== null) {
    depth += 1;
    if (depth > MAX_CHILD_RUN_DEPTH) {
      throw new ChildRunLimitError(`Run ${parent.id} cannot start a child run: the tree of child runs would be deeper than ${MAX_CHILD_RUN_DEPTH}.`, {
        runId: parent.id,
        details: { limit: "depth", maxDepth: MAX_CHILD_RUN_DEPTH },
      });
    }
    const ancestor = await store.getRun(parent.organizationId, ancestorId);
    ancestorId = ancestor?.parentRunId ?? null;
  }
}

/** @throws ChildRunLimitError for the child past {@link MAX_CHILD_RUNS_PER_RUN} of one run. */
export function requireChildCount(run: AgentRun, started: number): void {
  if (started <= MAX_CHILD_RUNS_PER_RUN) return;
  throw new ChildRunLimitError(`Run ${run.id} cannot start more than ${MAX_CHILD_RUNS_PER_RUN} child runs.`, {
    runId: run.id,
    details: { limit: "count", maxChildRuns: MAX_CHILD_RUNS_PER_RUN },
  });
}
