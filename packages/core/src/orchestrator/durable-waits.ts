import { ValidationError } from "../errors/errors.js";
import { isNeonhubError } from "../errors/neonhub-error.js";
import type { JournalStep, StepKind } from "../model/journal-step.js";
import type { SignalResult } from "../model/run-context.js";
import type { RunSignal } from "../model/run-signal.js";
import { STORABLE_VALUE_LIMITS } from "../util/storable-value.js";
import type { RunScope } from "./handler-context.js";
import { NEVER } from "./suspension-gate.js";
import { checkReplayedStep, historyEnded, type StepPlace, type StepPositions } from "./step-positions.js";
import { validateSignalName } from "./signal-names.js";

/** The latest deadline a wait may have: the latest time every run store can hold. */
const LATEST_DEADLINE_MS = STORABLE_VALUE_LIMITS.maxTimestampMs;

/** Checks a wait's duration: a non-negative number of milliseconds whose deadline, from `now`, a store can hold. */
const requireDuration = (name: string, value: number, now: number): void => {
  if (!Number.isFinite(value) || value < 0) throw new ValidationError(`${name} must be a non-negative number of milliseconds.`, [{ path: name, message: "Must be a non-negative number" }]);
  if (now + value > LATEST_DEADLINE_MS) {
    const latest = new Date(LATEST_DEADLINE_MS).toISOString();
    throw new ValidationError(`${name} puts the wait's deadline after ${latest}, the latest time a run store can hold.`, [{ path: name, message: `Too long: the deadline must be at most ${latest}` }]);
  }
};

/**
 * Checks a wait's duration when the wait begins. A wait the journal already holds keeps its journaled deadline, so
 * the duration a replay asks for is not used: a handler that waits until a journaled time asks for a negative one
 * once that time has passed.
 */
const requireNewDuration = (scope: RunScope, positions: StepPositions, name: string, value: number): void => {
  if (scope.journal.at(positions.upcoming) === undefined) requireDuration(name, value, scope.dependencies.clock.now());
};

/**
 * True for a wait that an attempt asks for after it failed (a callback still running): like a step, it never starts.
 * Begun, it would park the run before the next attempt has waited for its backoff and run.
 */
export const attemptEnded = (scope: RunScope, attempt: number): boolean => attempt <= scope.endedAttempts;

/** What a wait's work returns after asking the gate to suspend: the wait then never settles. */
export const SUSPENDED: unique symbol = Symbol("suspended");

/**
 * Runs a wait's reads and writes as in flight for the suspension gate: when waits run side by side, one that
 * suspends must not stop the run while another is between its read and its journal write.
 */
export async function inFlight<T>(scope: RunScope, work: () => Promise<T | typeof SUSPENDED>): Promise<T> {
  scope.gate.enter();
  let result: T | typeof SUSPENDED;
  try {
    result = await work();
  } finally {
    scope.gate.leave();
  }
  return result === SUSPENDED ? NEVER : result;
}


/** The journaled entry at the wait's place, checked against what the handler asked for. */
function replayed(scope: RunScope, place: StepPlace, kind: StepKind): Omit<JournalStep, "runId"> | undefined {
  const journaled = scope.journal.at(place.position);
  if (journaled === undefined) return undefined;
  try {
    checkReplayedStep(place, kind, journaled);
  } catch (error) {
    throw scope.failRun(error);
  }
  return journaled;
}

/** Ends a wait: journals its result so that replays return it (for a timed-out signal wait, unless the signal came). */
async function complete(scope: RunScope, place: StepPlace, kind: StepKind, startedAt: Date, output: unknown, wakeAt: Date | null, timedOutSignal?: string): Promise<void> {
  const now = new Date(scope.dependencies.clock.now());
  const step: Omit<JournalStep, "runId"> = { position: place.position, key: place.key, kind, status: "SUCCEEDED", output, error: null, attempts: 1, startedAt, completedAt: now, wakeAt };
  await scope.journal.write(timedOutSignal === undefined ? { step } : { step, timedOutSignal });
}

/** Journals the start of a wait, so that its deadline is the same whenever the run is resumed. */
async function begin(scope: RunScope, place: StepPlace, kind: StepKind, wakeAt: number): Promise<Omit<JournalStep, "runId">> {
  const step: Omit<JournalStep, "runId"> = {
    position: place.position,
    key: place.key,
    kind,
    status: "STARTED",
    output: null,
    error: null,
    attempts: 1,
    startedAt: new Date(scope.dependencies.clock.now()),
    completedAt: null,
    wakeAt: new Date(wakeAt),
  };
  await scope.journal.write({ step });
  return step;
}

/** `ctx.sleep`: a journaled deadline; until it passes, the run waits durably (`WAITING`, no worker held). */
export async function durableSleep(scope: RunScope, attempt: number, positions: StepPositions, key: string, ms: number): Promise<void> {
  if (attemptEnded(scope, attempt)) return NEVER;
  requireNewDuration(scope, positions, "ms", ms);
  if (scope.gate.suspending) return NEVER;
  const place = positions.place(key, true);
  let step = replayed(scope, place, "SLEEP");
  if (step?.status === "SUCCEEDED") return;
  if (scope.dependencies.replayOnly) throw scope.failRun(historyEnded(place));
  return inFlight(scope, async () => {
    const now = scope.dependencies.clock.now();
    step ??= await begin(scope, place, "SLEEP", now + ms);
    const wakeAt = (step.wakeAt as Date).getTime();
    if (now >= wakeAt) return complete(scope, place, "SLEEP", step.startedAt, null, step.wakeAt);
    scope.gate.suspend(wakeAt, null);
    return SUSPENDED;
  });
}

/**
 * `ctx.waitForSignal`: a signal already sent (before or during the wait) is journaled and returned; otherwise the
 * run waits durably until the signal wakes it or the timeout passes. The store keeps either the signal or the
 * timeout, never both: a signal that came after the deadline but before the timeout was journaled is received.
 */
export async function durableWaitForSignal<T>(scope: RunScope, attempt: number, positions: StepPositions, name: string, timeoutMs: number): Promise<SignalResult<T>> {
  if (attemptEnded(scope, attempt)) return NEVER;
  // Refused up front: a wait no signal can reach, or whose deadline cannot be stored, would never end.
  validateSignalName(name);
  requireNewDuration(scope, positions, "timeoutMs", timeoutMs);
  if (scope.gate.suspending) return NEVER;
  const place = positions.place(name, true);
  let step = replayed(scope, place, "SIGNAL");
  if (step?.status === "SUCCEEDED") return step.output as SignalResult<T>;
  if (scope.dependencies.replayOnly) throw scope.failRun(historyEnded(place));
  const { store, clock } = scope.dependencies;
  const receive = async (signal: RunSignal, startedAt: Date, wakeAt: Date | null): Promise<SignalResult<T>> => {
    const result: SignalResult<T> = { received: true, payload: signal.payload as T, sentBy: signal.sentBy, sentAt: signal.sentAt.toISOString() };
    await complete(scope, place, "SIGNAL", startedAt, result, wakeAt);
    return result;
  };
  return inFlight(scope, async () => {
    const signal = await store.getSignal(scope.run.organizationId, scope.run.id, name);
    if (signal !== null) return receive(signal, step?.startedAt ?? new Date(clock.now()), step?.wakeAt ?? null);
    const now = clock.now();
    step ??= await begin(scope, place, "SIGNAL", now + timeoutMs);
    const wakeAt = (step.wakeAt as Date).getTime();
    if (now >= wakeAt) {
      const result: SignalResult<T> = { received: false, timedOut: true };
      try {
        await complete(scope, place, "SIGNAL", step.startedAt, result, step.wakeAt, name);
      } catch (error) {
        // The store refuses the timeout when the signal came after the read above: it was accepted, so it is received.
        const late = isNeonhubError(error, "SIGNAL_CONFLICT") ? await store.getSignal(scope.run.organizationId, scope.run.id, name) : null;
        if (late === null) throw error;
        return receive(late, step.startedAt, step.wakeAt);
      }
      return result;
    }
    scope.gate.suspend(wakeAt, name);
    return SUSPENDED;
  });
}
