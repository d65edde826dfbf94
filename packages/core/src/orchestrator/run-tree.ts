import { MAX_RUN_TREE_NODES, type AgentRun, type ChildRunSummary } from "../model/agent-run.js";
import { isFinalRunStatus } from "../model/run-status.js";
import type { RunStore } from "../ports/run-store.js";
import { childEndedSignal } from "./signal-names.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";

const summaryOf = (run: AgentRun): ChildRunSummary => ({
  id: run.id,
  agentName: run.agentName,
  status: run.status,
  statusReason: run.statusReason,
  createdAt: run.createdAt,
  startedAt: run.startedAt,
  completedAt: run.completedAt,
  durationMs: run.durationMs,
  children: [],
  truncated: false,
});

/** A run's children as its tree shows them, and whether some were left out. */
export interface ChildRunTree {
  children: ChildRunSummary[];
  /** True when `root` has children that did not fit in the tree. */
  truncated: boolean;
}

/**
 * The runs below `root`, breadth first, oldest first among siblings, at most {@link MAX_RUN_TREE_NODES} of them
 * (one indexed query per run read). A run whose children did not fit is marked `truncated`, `root` included.
 */
export async function readChildRunTree(store: RunStore, root: AgentRun): Promise<ChildRunTree> {
  const tree: ChildRunTree = { children: [], truncated: false };
  const pending: Array<{ runId: string; into: ChildRunSummary[]; owner: { truncated: boolean } }> = [{ runId: root.id, into: tree.children, owner: tree }];
  let budget = MAX_RUN_TREE_NODES;
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    if (budget === 0) {
      next.owner.truncated = true;
      continue;
    }
    const page = await store.listRuns({ organizationId: root.organizationId, parentRunId: next.runId, limit: Math.min(budget, 500) });
    for (const child of page.runs.reverse()) {
      const summary = summaryOf(child);
      next.into.push(summary);
      pending.push({ runId: child.id, into: summary.children, owner: summary });
    }
    budget -= page.runs.length;
    if (page.nextCursor !== null) next.owner.truncated = true;
  }
  return tree;
}

/**
 * Wakes a parent when one of its children ends: a signal named after the child, which makes a parent waiting
 * for it due at once. Best effort: a lost wake-up (the parent ended, the store is away) only delays a waiting
 * parent until it looks at its child again.
 */
export class ParentNotifier {
  readonly #dependencies: ExecutionDependencies;
  readonly #onParentDue: () => void;

  constructor(dependencies: ExecutionDependencies, onParentDue: () => void) {
    this.#dependencies = dependencies;
    this.#onParentDue = onParentDue;
  }

  childEnded(child: AgentRun): void {
    if (child.parentRunId === null || !isFinalRunStatus(child.status)) return;
    const { store, clock } = this.#dependencies;
    const now = clock.now();
    store.sendSignal({ organizationId: child.organizationId, runId: child.parentRunId, name: childEndedSignal(child.id), payload: { status: child.status }, sentBy: null, sentAt: new Date(now) }).then(
      (parent) => {
        if (parent.status === "WAITING" && parent.wakeAt !== null && parent.wakeAt.getTime() <= now) this.#onParentDue();
      },
      () => undefined,
    );
  }
}
