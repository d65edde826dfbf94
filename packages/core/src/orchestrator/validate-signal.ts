import { ValidationError, type FieldError } from "../errors/errors.js";
import { storableTextProblem, storableValueProblems } from "../util/storable-value.js";
import { validateSignalName } from "./signal-names.js";

/**
 * Checks a signal a caller sends before anything is stored: its name ({@link validateSignalName}), and that its
 * payload and sender are values the store can hold, by the rules of a run's input (no NUL character or unpaired
 * surrogate in any text or key, finite numbers, at most 64 levels of nesting; see `STORABLE_VALUE_LIMITS`).
 * @throws ValidationError (`VALIDATION_FAILED`) naming each field (`payload.note`, `sentBy`).
 */
export function validateSignal(name: unknown, payload: unknown, sentBy: unknown): void {
  validateSignalName(name);
  const problems: FieldError[] = storableValueProblems(payload, "payload");
  if (sentBy !== undefined) {
    const problem = typeof sentBy === "string" ? storableTextProblem(sentBy) : "Must be a string: the id of the user who sent the signal";
    if (problem) problems.push({ path: "sentBy", message: problem });
  }
  if (problems.length > 0) throw new ValidationError(`The signal is invalid: ${problems.map((problem) => problem.path).join(", ")}.`, problems);
}
