import type { JournalStep, JournalStepSummary } from "../model/journal-step.js";

/** The child a `CHILD` step read the end of: its journaled ending (`{ childRunId, agentName, status, ... }`) names it. */
function childRunIdOf(step: JournalStep): string | null {
  if (step.kind !== "CHILD" || typeof step.output !== "object" || step.output === null) return null;
  const { childRunId } = step.output as { childRunId?: unknown };
  return typeof childRunId === "string" ? childRunId : null;
}

/**
 * A journal step as `getRun` shows it: without its output, which is unredacted and never leaves the orchestrator,
 * but with the id of the child run a `CHILD` step read the end of.
 */
export function summarizeStep(step: JournalStep): JournalStepSummary {
  const { output: _output, ...summary } = step;
  return { ...summary, childRunId: childRunIdOf(step) };
}
