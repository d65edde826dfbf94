import { StepOutcomeUnknownError } from "../errors/durable-errors.js";
import { NeonhubError } from "../errors/neonhub-error.js";
import type { StoredError } from "../model/agent-run.js";
import type { JournalStep, StepKind, StepStatus } from "../model/journal-step.js";
import type { RepeatSafety } from "../model/repeat-safety.js";
import type { StepContext } from "../model/run-context.js";
import type { ToolExecution } from "../model/tool-execution.js";
import type { Span } from "../ports/tracer.js";
import type { Redactor } from "../telemetry/redactor.js";
import type { RunScope } from "./handler-context.js";
import { keyOutlived, keyRetentionProblem, keyWindowStart } from "./key-retention.js";
import { StepCallContext } from "./step-context.js";
import { NEVER } from "./suspension-gate.js";
import { checkReplayedStep, historyEnded, type StepPlace, type StepPositions } from "./step-positions.js";
import { endNoEarlierThan } from "../util/end-no-earlier.js";
import { ValidationError } from "../errors/errors.js";
import { storableValueProblems, toStorableText } from "../util/storable-value.js";

/** A connector or tool call: recorded as a `ToolExecution` (redacted), traced and counted. */
export interface ToolCallTarget {
  connector: string;
  action: string;
  label: string;
  input: unknown;
  /** The redactor of the call as it is now: asked again when the call ends, for values the call added meanwhile. */
  redactor: () => Redactor;
}

/** One step a handler asks for. */
export interface StepRequest<T> {
  /** The step's key, or the tool's name from which a key is derived. */
  name: string;
  explicitKey: boolean;
  repeatSafety: RepeatSafety;
  /** How long the provider keeps a `with-key` step's key: such a step is journaled as started, and repeated only within it. */
  keyRetentionMs?: number;
  run: (context: StepContext) => Promise<T>;
  /** Present for `ctx.tool`; plain steps are journaled only. */
  tool?: ToolCallTarget;
}

const errorCodeOf = (error: unknown): string => (NeonhubError.isInstance(error) ? error.code : error instanceof Error ? error.name : "Error");
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs a journaled step. A step the journal holds as succeeded returns its output without running; a step that
 * failed runs again; a step whose outcome is unknown (started, never finished, or cut short by its run stopping)
 * runs again only when repeating it is safe. An unsafe step, or a with-key step whose key the provider keeps for a
 * while, is journaled as started before it runs, every step's outcome after, and the handler goes on only once that
 * write is made.
 */
export function runJournaledStep<T>(scope: RunScope, attempt: number, positions: StepPositions, request: StepRequest<T>): Promise<T> {
  if (request.keyRetentionMs !== undefined) {
    const problem = keyRetentionProblem(request.repeatSafety, request.keyRetentionMs);
    if (problem) return Promise.reject(problem);
  }
  if (scope.gate.suspending) return NEVER;
  return runJournaledStepAt(scope, attempt, positions.place(request.name, request.explicitKey), request);
}

/** {@link runJournaledStep} at a place already handed out (a composite step takes its places at once). */
export function runJournaledStepAt<T>(scope: RunScope, attempt: number, place: StepPlace, request: StepRequest<T>): Promise<T> {
  // A step the failed attempt asks for after it ended (a callback still running) would race the next attempt's.
  if (attempt <= scope.endedAttempts) return NEVER;
  const kind = request.tool ? "TOOL" : "STEP";
  const journaled = scope.journal.at(place.position);
  if (journaled !== undefined) {
    try {
      checkReplayedStep(place, kind, journaled);
    } catch (error) {
      return Promise.reject(scope.failRun(error));
    }
    if (journaled.status === "SUCCEEDED") return Promise.resolve(journaled.output as T);
    const refusal = journaled.status === "STARTED" ? repeatRefusal(scope, request, journaled) : undefined;
    if (refusal !== undefined) {
      return Promise.reject(scope.failRun(new StepOutcomeUnknownError(`Step "${place.key}" may or may not have taken effect before the run was interrupted, and repeating it is not safe${refusal}.`, { stepKey: place.key, runId: scope.run.id })));
    }
  }
  // An executor that lost its run (or whose run was cancelled) starts no new call: its writes would be refused anyway.
  if (scope.cancellation.aborted) return Promise.reject(scope.cancellation.reason);
  if (scope.dependencies.replayOnly) return Promise.reject(scope.failRun(historyEnded(place)));
  return executeStep(scope, attempt, place, request, kind, journaled);
}

/** Why a step journaled as started must not run again (`""` when no more is to be said), or undefined when it may. */
function repeatRefusal(scope: RunScope, request: StepRequest<unknown>, journaled: Omit<JournalStep, "runId">): string | undefined {
  if (request.repeatSafety === "unsafe") return "";
  // A replay answers from its history whatever the history's age, so that its outcome does not depend on the day.
  if (request.keyRetentionMs === undefined || scope.dependencies.replayOnly) return undefined;
  const outlived = keyOutlived(journaled, request.keyRetentionMs, scope.dependencies.leaseMs, scope.dependencies.clock.now());
  return outlived === undefined ? undefined : `: ${outlived}`;
}

/** Whether a step's start goes on record before its call: what tells a resumed run its outcome is unknown. */
const journalsStart = (request: StepRequest<unknown>): boolean => request.repeatSafety === "unsafe" || request.keyRetentionMs !== undefined;

/** The journal entry of a step that began at `startedAt`, in the given state. */
const stepEntry = (place: StepPlace, kind: StepKind, status: StepStatus, attempts: number, startedAt: Date): Omit<JournalStep, "runId"> => ({
  position: place.position,
  key: place.key,
  kind,
  status,
  output: null,
  error: null,
  attempts,
  startedAt,
  completedAt: null,
  wakeAt: null,
});

// An async function with the gate entered and left inside it: a `.finally` around it was another promise and two
// more microtask turns on every step.
async function executeStep<T>(scope: RunScope, attempt: number, place: StepPlace, request: StepRequest<T>, kind: StepKind, journaled: Omit<JournalStep, "runId"> | undefined): Promise<T> {
  const { dependencies, journal, gate } = scope;
  const { clock } = dependencies;
  const tool = request.tool;
  gate.enter();
  const stepAttempts = (journaled?.attempts ?? 0) + 1;
  const startedAt = clock.now();
  const started = new Date(startedAt);
  const stepStarted = keyWindowStart(journaled, request.keyRetentionMs, dependencies.leaseMs, started);
  let execution: Omit<ToolExecution, "runId"> | undefined;
  let span: Span | undefined;
  if (tool) {
    execution = { id: dependencies.newId(startedAt), stepKey: place.key, connector: tool.connector, action: tool.action, status: "RUNNING", input: tool.input, output: null, error: null, attempt, startedAt: started, completedAt: null, durationMs: null };
    scope.onToolCall();
    span = dependencies.tracer.startSpan(`execute_tool ${tool.label}`, {
      kind: "internal",
      parent: scope.span,
      attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": tool.label, "neonhub.run.id": scope.run.id, "neonhub.step.key": place.key },
    });
    execution.input = tool.redactor().redact(tool.input);
  }
  try {
    if (journalsStart(request)) await journal.write({ step: stepEntry(place, kind, "STARTED", stepAttempts, stepStarted), toolExecution: execution });
    let output: T;
    try {
      output = await request.run(new StepCallContext(scope, place.key, attempt));
    } catch (error) {
      // A call that ends with an error once its run has stopped was cut short (its signal aborted): it may have
      // acted, so its outcome is unknown rather than failed, and a resumed run must not repeat it blindly.
      const cutShort = scope.cancellation.aborted;
      await recordFailure(scope, stepEntry(place, kind, "STARTED", stepAttempts, stepStarted), execution, tool, error, startedAt, cutShort);
      throw NeonhubError.isInstance(error) && error.code === "STEP_OUTCOME_UNKNOWN" ? scope.failRun(error) : error;
    }
    assertStorableStepOutput(place.key, output);
    const completedAt = endNoEarlierThan(startedAt, clock.now());
    const step = stepEntry(place, kind, "SUCCEEDED", stepAttempts, stepStarted);
    step.output = output;
    step.completedAt = new Date(completedAt);
    if (execution && tool) {
      await journal.write({ step, toolExecution: { ...execution, status: "SUCCEEDED", output: tool.redactor().redact(output), completedAt: step.completedAt, durationMs: completedAt - startedAt } });
      dependencies.metrics.toolExecutionFinished({ connector: tool.connector, action: tool.action, status: "SUCCEEDED", durationMs: completedAt - startedAt });
    } else {
      await journal.write({ step, toolExecution: undefined });
    }
    return output;
  } catch (error) {
    span?.recordFailure(errorCodeOf(error), tool ? tool.redactor().redactText(messageOf(error)) : messageOf(error));
    throw error;
  } finally {
    span?.end();
    gate.leave();
  }
}

/**
 * Refuses a step output no store can journal (a `bigint`, a cycle, a number that is not finite, a NUL character), on
 * every store alike: PostgreSQL refuses it or, for `NaN`, journals null, so a replay would see another value than the
 * first attempt, and a test on the memory store would pass what production fails.
 */
function assertStorableStepOutput(key: string, output: unknown): void {
  // Most steps return a number, a flag or nothing: no walk for them.
  if (output === undefined || output === null || typeof output === "boolean" || (typeof output === "number" && Number.isFinite(output))) return;
  const problems = storableValueProblems(output, "output");
  if (problems.length > 0) throw new ValidationError(`Step "${key}" returned a value that cannot be journaled: ${problems.map((problem) => `${problem.path} (${problem.message})`).join(", ")}.`, problems);
}

/**
 * Journals a failed step: `FAILED` (it runs again on the next attempt), or left `STARTED` when its outcome is
 * unknown: it said so, or the run stopped while its call was in flight.
 */
async function recordFailure(scope: RunScope, step: Omit<JournalStep, "runId">, execution: Omit<ToolExecution, "runId"> | undefined, tool: ToolCallTarget | undefined, error: unknown, startedAt: number, cutShort: boolean): Promise<void> {
  const completedAt = endNoEarlierThan(startedAt, scope.dependencies.clock.now());
  // A handler's error may quote what it read (a text cut inside an emoji): kept with U+FFFD rather than refused.
  const redactor = tool ? tool.redactor() : scope.dependencies.redactor;
  const redactText = (text: string) => toStorableText(redactor.redactText(text));
  const stored: StoredError = cutShort
    ? { code: "STEP_OUTCOME_UNKNOWN", message: `The run stopped while this call was in flight: ${redactText(messageOf(error))}` }
    : { code: errorCodeOf(error), message: redactText(messageOf(error)) };
  const unknownOutcome = stored.code === "STEP_OUTCOME_UNKNOWN";
  if (tool) scope.dependencies.metrics.toolExecutionFinished({ connector: tool.connector, action: tool.action, status: "FAILED", durationMs: completedAt - startedAt });
  await scope.journal.write({
    step: { ...step, status: unknownOutcome ? "STARTED" : "FAILED", error: stored, completedAt: unknownOutcome ? null : new Date(completedAt) },
    toolExecution: execution ? { ...execution, status: "FAILED", error: stored, completedAt: new Date(completedAt), durationMs: completedAt - startedAt } : undefined,
  });
}
