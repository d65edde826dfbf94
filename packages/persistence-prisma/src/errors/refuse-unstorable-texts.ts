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

const SURROGATE_PROBLEM = "Must not contain unpaired UTF-16 surrogates";

/**
 * Refuses, before the query, texts a read compares with stored ones that hold an unpaired UTF-16 surrogate: PostgreSQL
 * would compare such a text changed into U+FFFD, matching a stored text that holds U+FFFD, and no stored text can hold
 * the surrogate itself. A NUL character is left to PostgreSQL, which refuses the query (SQLSTATE 22021). Values that
 * are not texts pass.
 * @throws ValidationError naming every such field, never retryable.
 */
export function refuseSurrogatesInLookup(what: string, texts: Record<string, unknown>): void {
  // One native scan per text: what every read pays.
  const paths = Object.keys(texts).filter((path) => {
    const text = texts[path];
    return typeof text === "string" && !(text as string & { isWellFormed(): boolean }).isWellFormed();
  });
  if (paths.length > 0) {
    throw new ValidationError(
      `The ${what} cannot be looked up: ${paths.join(", ")} ${paths.length === 1 ? "holds" : "hold"} an unpaired UTF-16 surrogate, which no stored text can hold.`,
      paths.map((path) => ({ path, message: SURROGATE_PROBLEM })),
    );
  }
}

/** The texts of a list as fields named `path` with their index (`agentNames.0`), for {@link refuseUnstorableTexts}. */
export const indexed = (path: string, texts: readonly string[]): Record<string, string> => Object.fromEntries(texts.map((text, index) => [`${path}.${index}`, text]));
