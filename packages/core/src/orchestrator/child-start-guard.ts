import { CancelledError } from "../errors/errors.js";
import type { AgentRun } from "../model/agent-run.js";
import type { RunStore } from "../ports/run-store.js";

/**
 * Keeps a child from outliving a parent cancelled while the child's start was in flight. Cancelling a parent
 * cancels the children it lists after the parent has ended, so a child stored after that listing is one whose
 * parent already reads as ended: the parent is read again once the child is stored, before it is queued, and a
 * child of a cancelled (or deleted) parent is cancelled instead of queued.
 * @throws CancelledError after cancelling the child.
 */
export async function cancelChildOfCancelledParent(store: RunStore, parent: AgentRun, child: AgentRun, cancelChild: () => Promise<unknown>): Promise<void> {
  const current = await store.getRun(parent.organizationId, parent.id);
  if (current !== null && current.status !== "CANCELLED") return;
  await cancelChild();
  throw new CancelledError(`Run ${parent.id} was cancelled while its child ${child.id} was being started; the child was cancelled.`, { runId: parent.id });
}
