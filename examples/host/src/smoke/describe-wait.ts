/** The fields of a run, as `GET /v1/runs/{id}` or `POST /v1/runs` shows it, that tell what it waits for. */
export interface WaitingRunView {
  wakeAt?: unknown;
  steps?: unknown;
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
 * What a `WAITING` run waits for, from the waits its journal holds open (`for signal "approval" until
 * 2026-02-01T09:00:00.000Z`, `in sleep "cool-down" until ...`), or from its `wakeAt` alone when no steps are shown.
 */
export function describeWait(run: WaitingRunView): string {
  const steps = Array.isArray(run.steps) ? (run.steps as StepView[]) : [];
  const open = steps.filter((step) => step.status === "STARTED" && step.kind !== "TOOL" && step.kind !== "STEP");
  if (open.length > 0) return open.map(describeStep).join(" and ");
  return typeof run.wakeAt === "string" ? `until ${run.wakeAt}` : "with no wake-up time";
}
