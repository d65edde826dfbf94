import { ChildRunFailedError } from "../errors/durable-errors.js";
import { RunNotFoundError, ValidationError } from "../errors/errors.js";
import type { StoredError } from "../model/agent-run.js";
import type { JournalStep } from "../model/journal-step.js";
import type { RunAgentOptions } from "../model/run-context.js";
import { isFinalRunStatus } from "../model/run-status.js";
import type { RunScope } from "./handler-context.js";
import { attemptEnded, inFlight, SUSPENDED } from "./durable-waits.js";
import { runJournaledStepAt } from "./journaled-step.js";
import { checkReplayedStep, historyEnded, MAX_STEP_KEY_LENGTH, type StepPlace, type StepPositions } from "./step-positions.js";
import { requireChildCount } from "./child-run-limits.js";
import { timeoutMsProblem } from "./validate-request.js";
import { childEndedSignal } from "./signal-names.js";
import { NEVER } from "./suspension-gate.js";

/**
 * How long a waiting parent sleeps before looking at its child again when no wake-up came. A child wakes its
 * parent when it ends; this bounds the delay when that wake-up was lost (the child's process died in between).
 */
export const CHILD_RECHECK_MS = 60_000;

/** The suffix of the journal key of a child's result, after the key of its start. */
const RESULT_SUFFIX = "/result";


/** How a child ended, journaled at the wait's position so that a replayed parent reads it. */
interface ChildEnding {
  childRunId: string;
  agentName: string;
  status: string;
  output: unknown;
  error: StoredError | null;
}

/**
 * `ctx.runAgent`: a journaled start (the child is queued under an idempotency key derived from the parent and
 * the step, so a repeated start finds the same child) followed by a durable wait for the child's end. Both
 * positions are taken at once, so children started together keep their positions whatever order they end in.
 */
export function runChildAgent<T>(scope: RunScope, attempt: number, positions: StepPositions, agent: string, input: unknown, options: RunAgentOptions = {}): Promise<T> {
  if (scope.gate.suspending) return NEVER;
  if (typeof agent !== "string" || agent.length === 0) return Promise.reject(new ValidationError("ctx.runAgent needs an agent name or definition.", [{ path: "agent", message: "Required" }]));
  if (options.key !== undefined && (typeof options.key !== "string" || options.key.length > MAX_STEP_KEY_LENGTH - RESULT_SUFFIX.length - 4)) {
    return Promise.reject(new ValidationError(`A child run's key takes at most ${MAX_STEP_KEY_LENGTH - RESULT_SUFFIX.length - 4} characters.`, [{ path: "key", message: "Too long" }]));
  }
  // Checked only for a child yet to be started: a replay that finds its start journaled keeps the child it started,
  // so a bound computed afresh (what is left of a budget) is not refused once it has run out.
  if (options.timeoutMs !== undefined && scope.journal.at(positions.upcoming)?.status !== "SUCCEEDED") {
    const problem = timeoutMsProblem(options.timeoutMs);
    if (problem) return Promise.reject(new ValidationError("The child run's request is invalid: timeoutMs.", [problem]));
  }
  try {
    requireChildCount(scope.run, positions.countChild(), scope.dependencies.childRunLimits.maxPerRun);
  } catch (error) {
    return Promise.reject(error);
  }
  const start = positions.place(options.key ?? `agent:${agent}`, options.key !== undefined);
  const wait = positions.place(`${start.key}${RESULT_SUFFIX}`, true);
  const started = runJournaledStepAt<string>(scope, attempt, start, {
    name: start.key,
    explicitKey: true,
    repeatSafety: "with-key",
    run: async (step) => {
      const child = await scope.dependencies.startChildRun({ parent: scope.run, agent, input, intent: options.intent ?? scope.run.agentName, idempotencyKey: step.idempotencyKey, timeoutMs: options.timeoutMs });
      return child.id;
    },
  });
  return started.then((childRunId) => awaitChild(scope, attempt, wait, childRunId)).then((ending) => {
    if (ending.status === "COMPLETED") return ending.output as T;
    throw new ChildRunFailedError({ childRunId: ending.childRunId, agentName: ending.agentName, status: ending.status, error: ending.error }, { runId: scope.run.id });
  });
}

/** The child's ending: journaled, read from the store when the child has ended, or else a durable wait. */
async function awaitChild(scope: RunScope, attempt: number, place: StepPlace, childRunId: string): Promise<ChildEnding> {
  if (scope.gate.suspending || attemptEnded(scope, attempt)) return NEVER;
  const journaled = scope.journal.at(place.position);
  if (journaled !== undefined) {
    try {
      checkReplayedStep(place, "CHILD", journaled);
    } catch (error) {
      throw scope.failRun(error);
    }
    if (journaled.status === "SUCCEEDED") return journaled.output as ChildEnding;
  }
  if (scope.dependencies.replayOnly) throw scope.failRun(historyEnded(place));
  const { store, clock } = scope.dependencies;
  return inFlight(scope, async () => {
    const signalName = childEndedSignal(childRunId);
    // The wake-up is read before the child: a child is stored as ended before it sends its wake-up, so a wake-up
    // found here means the child read next has ended, unless the signal was not the child's. Read together, a
    // child ending between the two reads would look open with its wake-up already spent, and its parent would
    // sleep for the recheck delay.
    const signal = await store.getSignal(scope.run.organizationId, scope.run.id, signalName);
    const child = await store.getRun(scope.run.organizationId, childRunId);
    if (child === null) throw scope.failRun(new RunNotFoundError(childRunId, { runId: scope.run.id }));
    if (!isFinalRunStatus(child.status)) {
      // A child's signal for a child still open was not sent by the child: waking on it would resume the parent
      // again and again, so the parent looks at its child again only after the recheck delay.
      scope.gate.suspend(clock.now() + CHILD_RECHECK_MS, signal === null ? signalName : null);
      return SUSPENDED;
    }
    const ending: ChildEnding = { childRunId, agentName: child.agentName, status: child.status, output: child.output, error: child.error };
    const now = new Date(clock.now());
    const step: Omit<JournalStep, "runId"> = { position: place.position, key: place.key, kind: "CHILD", status: "SUCCEEDED", output: ending, error: null, attempts: 1, startedAt: now, completedAt: now, wakeAt: null };
    await scope.journal.write({ step });
    return ending;
  });
}
