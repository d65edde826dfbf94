import { storableTextProblem, ValidationError, type FieldError } from "@neonhub/core";

/**
 * Refuses, before anything is written, texts a text column cannot keep as given: a NUL character, which PostgreSQL
 * refuses (SQLSTATE 22021), and an unpaired UTF-16 surrogate, which it would keep changed into U+FFFD. Values that
 * are not texts pass.
 * @throws ValidationError naming every such field, never retryable.
 */
export function refuseUnstorableTexts(what: string, texts: Record<string, unknown>): void {
  const problems: FieldError[] = [];
  for (const [path, text] of Object.entries(texts)) {
    const problem = typeof text === "string" ? storableTextProblem(text) : null;
    if (problem !== null) problems.push({ path, message: problem });
  }
  if (problems.length > 0) throw new ValidationError(`The ${what} cannot be stored: ${problems.map((problem) => `${problem.path} ${problem.message.toLowerCase()}`).join("; ")}.`, problems);
}

/** The texts of a list as fields named `path` with their index (`agentNames.0`), for {@link refuseUnstorableTexts}. */
export const indexed = (path: string, texts: readonly string[]): Record<string, string> => Object.fromEntries(texts.map((text, index) => [`${path}.${index}`, text]));
