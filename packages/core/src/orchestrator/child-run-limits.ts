import { ConfigurationError } from "../errors/errors.js";
import { ChildRunLimitError } from "../errors/durable-errors.js";
import type { AgentRun } from "../model/agent-run.js";
import type { RunStore } from "../ports/run-store.js";

/** Default of how deep a tree of child runs may grow: a root run's children are at depth 1. */
export const MAX_CHILD_RUN_DEPTH = 10;

/** Default of how many child runs one run may start (`ctx.runAgent` calls over all its attempts and resumes). */
export const MAX_CHILD_RUNS_PER_RUN = 500;

/** Bounds of a tree of child runs (`childRuns` of `createOrchestrator`). */
export interface ChildRunLimitOptions {
  /** How deep a tree of child runs may grow; a root run's children are at depth 1. Default {@link MAX_CHILD_RUN_DEPTH}. */
  maxDepth?: number;
  /** How many child runs one run may start over all its attempts and resumes. Default {@link MAX_CHILD_RUNS_PER_RUN}. */
  maxPerRun?: number;
}

/** The limits in force. */
export type ChildRunLimits = Required<ChildRunLimitOptions>;

/** @throws ConfigurationError for a limit that is not a positive integer. */
export function resolveChildRunLimits(options: ChildRunLimitOptions = {}): ChildRunLimits {
  const limits = { maxDepth: options.maxDepth ?? MAX_CHILD_RUN_DEPTH, maxPerRun: options.maxPerRun ?? MAX_CHILD_RUNS_PER_RUN };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigurationError(`childRuns.${name} must be a positive integer, got ${String(value)}.`);
  }
  return limits;
}

/**
 * Refuses a child of `parent` that would be deeper than `maxDepth`: an agent that calls itself would otherwise start
 * runs for ever. Reads one run per ancestor of `parent` (none for a root's children).
 * @throws ChildRunLimitError
 */
export async function requireChildDepth(store: RunStore, parent: AgentRun, maxDepth: number): Promise<void> {
  let depth = 1;
  let ancestorId = parent.parentRunId;
  while (true) {
    if (depth > maxDepth) {
      throw new ChildRunLimitError(`Run ${parent.id} cannot start a child run: the tree of child runs would be deeper than ${maxDepth}.`, {
        runId: parent.id,
        details: { limit: "depth", maxDepth },
      });
    }
    if (ancestorId === null) return;
    depth += 1;
    const ancestor = await store.getRun(parent.organizationId, ancestorId);
    ancestorId = ancestor?.parentRunId ?? null;
  }
}

/** @throws ChildRunLimitError for the child past `maxPerRun` of one run. */
export function requireChildCount(run: AgentRun, started: number, maxPerRun: number): void {
  if (started <= maxPerRun) return;
  throw new ChildRunLimitError(`Run ${run.id} cannot start more than ${maxPerRun} child runs.`, {
    runId: run.id,
    details: { limit: "count", maxChildRuns: maxPerRun },
  });
}
