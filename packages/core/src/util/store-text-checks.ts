import { ValidationError, type FieldError } from "../errors/errors.js";
import { storableTextProblem } from "./storable-value.js";

/**
 * Adds a problem for each of `texts` holding a NUL character or an unpaired UTF-16 surrogate: PostgreSQL refuses a NUL
 * in a text column or a query, and would keep or compare an unpaired surrogate changed into U+FFFD. Null and undefined
 * pass.
 */
export function addTextProblems(texts: Record<string, string | null | undefined>, problems: FieldError[]): void {
  for (const [path, text] of Object.entries(texts)) {
    const problem = typeof text === "string" ? storableTextProblem(text) : null;
    if (problem !== null) problems.push({ path, message: problem });
  }
}

/**
 * Throws a ValidationError naming every problem, saying what could not be stored or looked up; nothing when there is
 * none.
 */
export function refuseProblems(what: string, problems: FieldError[], refused: "stored" | "looked up" = "stored"): void {
  if (problems.length === 0) return;
  const sentences = problems.map((problem) => `${problem.path} ${problem.message.charAt(0).toLowerCase()}${problem.message.slice(1)}`);
  throw new ValidationError(`The ${what} cannot be ${refused}: ${sentences.join("; ")}.`, problems);
}
