import { describeAwaitedChildren, type ChildView } from "./describe-awaited-children.js";

/** The fields of a run, as `GET /v1/runs/{id}` or `POST /v1/runs` shows it, that tell what it waits for. */
export interface WaitingRunView {
  wakeAt?: unknown;
  steps?: unknown;
  children?: unknown;
  childrenTruncated?: unknown;
}

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

/**
 * What a `WAITING` run waits for: the waits its journal holds open (`for signal "approval" until
 * 2026-02-01T09:00:00.000Z`, `in sleep "cool-down" until ...`) and the children whose end it has not read yet, open
 * or ended (`for 2 child runs of "intake-embed" (1 RUNNING, 1 COMPLETED) until ...; it reads ended children when it
 * resumes`; `... and maybe more children not shown` when the run view leaves some of its children out), or its
 * `wakeAt` alone when neither is shown.
 */
export function describeWait(run: WaitingRunView): string {
  const steps = Array.isArray(run.steps) ? (run.steps as StepView[]) : [];
  const open = steps.filter((step) => step.status === "STARTED" && step.kind !== "TOOL" && step.kind !== "STEP");
  const children = describeAwaitedChildren(Array.isArray(run.children) ? (run.children as ChildView[]) : [], steps, run.childrenTruncated === true);
  if (children === null) {
    if (open.length > 0) return open.map(describeStep).join(" and ");
    return typeof run.wakeAt === "string" ? `until ${run.wakeAt}` : "with no wake-up time";
  }
  // An open wait names its own deadline; the run's wakeAt is the children's only when nothing else is open.
  const waits = [...open.map(describeStep), `${children.text}${open.length === 0 ? until(run.wakeAt) : ""}`].join(" and ");
  return children.ended ? `${waits}; it reads ended children when it resumes` : waits;
}
