/** The fields of a run, as `GET /v1/runs/{id}` or `POST /v1/runs` shows it, that tell what it waits for. */
export interface WaitingRunView {
  wakeAt?: unknown;
  steps?: unknown;
  children?: unknown;
}

interface ChildView {
  agentName?: unknown;
  status?: unknown;
}

const FINAL_STATUSES = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"]);

interface StepView {
  kind?: unknown;
  key?: unknown;
  status?: unknown;
  wakeAt?: unknown;
}

const until = (wakeAt: unknown): string => (typeof wakeAt === "string" ? ` until ${wakeAt}` : "");

function describeStep(step: StepView): string {
  const key = JSON.stringify(String(step.key));
  if (step.kind === "SIGNAL") return `for signal ${key}${until(step.wakeAt)}`;
  if (step.kind === "SLEEP") return `in sleep ${key}${until(step.wakeAt)}`;
  return `on ${String(step.kind).toLowerCase()} step ${key}${until(step.wakeAt)}`;
}

// A child's ending is journaled only once it arrives, so a parent waiting for children shows them in `children`.
function describeOpenChildren(children: readonly ChildView[]): string | null {
  const counts = new Map<string, number>();
  for (const child of children) {
    if (FINAL_STATUSES.has(String(child.status))) continue;
    const agent = String(child.agentName);
    counts.set(agent, (counts.get(agent) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  return `for ${[...counts].map(([agent, count]) => `${count} child run${count === 1 ? "" : "s"} of ${JSON.stringify(agent)}`).join(" and ")}`;
}

/**
 * What a `WAITING` run waits for, from the waits its journal holds open (`for signal "approval" until
 * 2026-02-01T09:00:00.000Z`, `in sleep "cool-down" until ...`) or the children it has not heard from yet
 * (`for 2 child runs of "intake-embed" until ...`), or from its `wakeAt` alone when neither is shown.
 */
export function describeWait(run: WaitingRunView): string {
  const steps = Array.isArray(run.steps) ? (run.steps as StepView[]) : [];
  const open = steps.filter((step) => step.status === "STARTED" && step.kind !== "TOOL" && step.kind !== "STEP");
  if (open.length > 0) return open.map(describeStep).join(" and ");
  const children = describeOpenChildren(Array.isArray(run.children) ? (run.children as ChildView[]) : []);
  if (children !== null) return `${children}${until(run.wakeAt)}`;
  return typeof run.wakeAt === "string" ? `until ${run.wakeAt}` : "with no wake-up time";
}
