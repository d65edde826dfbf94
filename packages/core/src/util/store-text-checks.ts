import { ValidationError, type FieldError } from "../errors/errors.js";
import { storableTextProblem } from "./storable-value.js";

/**
 * Adds a problem for each of `texts` holding a NUL character or an unpaired UTF-16 surrogate: PostgreSQL refuses a NUL
 * in a text column or a query, and would keep or compare an unpaired surrogate changed into U+FFFD. Null and undefined
 * pass.
 */
export function addTextProblems(texts: Record<string, string | null | undefined>, problems: FieldError[]): void {
  problems.push(...textProblems(texts));
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

/**
 * Refuses, before anything is written, texts a text column cannot keep as given: a NUL character, which PostgreSQL
 * refuses (SQLSTATE 22021), and an unpaired UTF-16 surrogate, which it would keep changed into U+FFFD. Values that are
 * not texts pass. For store adapters, which check what they keep whoever calls them.
 * @param what - What is being stored, for the message: `"schedule"` gives "The schedule cannot be stored: ...".
 * @param texts - The texts by the path of their field.
 * @throws ValidationError (`VALIDATION_FAILED`, never retryable) naming every such field.
 */
export function refuseUnstorableTexts(what: string, texts: Record<string, unknown>): void {
  refuseProblems(what, textProblems(texts), "stored");
}

/**
 * Refuses, before the query, texts a read compares with stored ones that hold a NUL character or an unpaired UTF-16
 * surrogate, which no stored text can hold: PostgreSQL refuses a query holding NUL (SQLSTATE 22021), and compares an
 * unpaired surrogate changed into U+FFFD, so that it could match a stored text holding U+FFFD. Values that are not
 * texts pass.
 * @param what - What is being looked up, for the message: `"run"` gives "The run cannot be looked up: ...".
 * @param texts - The texts by the path of their field.
 * @throws ValidationError (`VALIDATION_FAILED`, never retryable) naming every such field.
 */
export function refuseUnreadableTexts(what: string, texts: Record<string, unknown>): void {
  refuseProblems(what, textProblems(texts), "looked up");
}

/** Each text of a list as a field named by `path` and its index (`agentNames.0`), to check with the others. */
export function indexedTexts(path: string, texts: readonly string[]): Record<string, string> {
  return Object.fromEntries(texts.map((text, index) => [`${path}.${index}`, text]));
}

function textProblems(texts: Record<string, unknown>): FieldError[] {
  const problems: FieldError[] = [];
  for (const [path, text] of Object.entries(texts)) {
    const problem = typeof text === "string" ? storableTextProblem(text) : null;
    if (problem !== null) problems.push({ path, message: problem });
  }
  return problems;
}
