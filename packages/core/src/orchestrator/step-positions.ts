import { NonDeterministicError } from "../errors/durable-errors.js";
import { ValidationError } from "../errors/errors.js";
import type { JournalStep, StepKind } from "../model/journal-step.js";
import { StepKeys } from "./step-keys.js";

/** Longest step key: keys are stored and shown, and a provider's idempotency key is derived from them. */
export const MAX_STEP_KEY_LENGTH = 200;

/** Where the next step of one attempt of a handler goes: its position and its key. */
export interface StepPlace {
  position: number;
  key: string;
}

/**
 * Hands out positions and keys to one attempt's steps, in the order the handler asks for them (so a replay of a
 * deterministic handler asks for the same step at each position).
 */
export class StepPositions {
  readonly #keys = new StepKeys();
  #next = 0;
  #children = 0;

  /** Counts one more child run asked for in this attempt (a replay asks for the same ones again). */
  countChild(): number {
    return ++this.#children;
  }

  /** The position the next step asked for gets. */
  get upcoming(): number {
    return this.#next;
  }

  place(name: string, explicitKey: boolean): StepPlace {
    if (typeof name !== "string" || name.length === 0 || name.length > MAX_STEP_KEY_LENGTH) {
      throw new ValidationError(`A step key must be a string of 1 to ${MAX_STEP_KEY_LENGTH} characters.`, [{ path: "key", message: "Invalid step key" }]);
    }
    return { position: this.#next++, key: this.#keys.next(name, explicitKey) };
  }
}

/** Fails when the journal holds another step at this position than the handler asked for. */
export function checkReplayedStep(place: StepPlace, kind: StepKind, journaled: Omit<JournalStep, "runId">): void {
  if (journaled.key === place.key && journaled.kind === kind) return;
  throw new NonDeterministicError(
    `The handler asked for ${kind.toLowerCase()} "${place.key}" at step ${place.position}, but the run's journal holds ${journaled.kind.toLowerCase()} "${journaled.key}" there: the handler does not replay as it ran.`,
    { details: { position: place.position, requested: place.key, journaled: journaled.key } },
  );
}

/** In a replay-only execution, the step the recorded history does not hold as done: the replay ends there. */
export function historyEnded(place: StepPlace): NonDeterministicError {
  return new NonDeterministicError(`The replay reached step ${place.position} ("${place.key}"), which the recorded history does not hold as done.`, {
    details: { position: place.position, requested: place.key, historyEnded: true },
  });
}
