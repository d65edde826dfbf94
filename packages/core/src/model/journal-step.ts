import type { StoredError } from "./agent-run.js";

/** What a journaled step is: a tool call, a plain step, a durable sleep, a wait for a signal, a child run. */
export const STEP_KINDS = ["TOOL", "STEP", "SLEEP", "SIGNAL", "CHILD"] as const;

/** The kind of a {@link JournalStep}. */
export type StepKind = (typeof STEP_KINDS)[number];

/**
 * The state of a journaled step: `STARTED` (running, waiting, or its outcome unknown after a crash),
 * `SUCCEEDED` (its output is replayed) or `FAILED` (it runs again on the next attempt).
 */
export const STEP_STATUSES = ["STARTED", "SUCCEEDED", "FAILED"] as const;

/** The state of a {@link JournalStep}. */
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * One entry of a run's journal: the step at a position of the handler's execution, with its real (unredacted)
 * output, which is what a retried or resumed run replays. The HTTP API never returns `output`.
 */
export interface JournalStep {
  runId: string;
  /** Order of the step among the handler's steps, from 0; the same on every replay of a deterministic handler. */
  position: number;
  /** Stable key: given by the handler, or the tool's name and occurrence (`slack.postMessage#0`). */
  key: string;
  kind: StepKind;
  status: StepStatus;
  output: unknown;
  error: StoredError | null;
  /** Executions of the step so far (a replayed step is not executed). */
  attempts: number;
  startedAt: Date;
  completedAt: Date | null;
  /** When a sleep ends or a wait for a signal times out. */
  wakeAt: Date | null;
}

/** A journal step as shown to people: everything but the replayed output, and the child run a `CHILD` step read. */
export interface JournalStepSummary extends Omit<JournalStep, "output"> {
  /**
   * The id of the child run (`ctx.runAgent`) whose end this `CHILD` step holds, taken from the journaled ending;
   * null for every other kind of step. Only the id is shown: the child's output stays in the journal.
   */
  childRunId: string | null;
}
