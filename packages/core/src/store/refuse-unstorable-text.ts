import { ValidationError } from "../errors/errors.js";
import type { StoredError } from "../model/agent-run.js";

// PostgreSQL keeps no NUL character (U+0000) in a text or JSON value, nor an unpaired UTF-16 surrogate in JSON: it
// refuses the whole write (SQLSTATE 22021 for text, 22P05 or 22P02 for JSON), which the Prisma stores report as
// VALIDATION_FAILED. An unpaired surrogate in a plain text column would be kept changed (as U+FFFD), so the Prisma
// stores refuse it before writing. The memory stores refuse the same writes, before they change anything, so that a
// test on them passes only what production passes.

const NUL = "\u0000";

// JSON.stringify writes NUL as the escape `\u0000`, an unpaired UTF-16 surrogate as its escape (`\ud800`), and a
// backslash as `\\`: such an escape preceded by an odd number of backslashes is that character, one preceded by an
// even number is a text that spells the escape out. PostgreSQL refuses an unpaired surrogate in JSON too (SQLSTATE
// 22P02); a paired one is a character of its own, which JSON.stringify writes as it is.
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(0000|d[89a-f][0-9a-f]{2})/;

/** The error of a write refused for a NUL character in the field at `path`. */
export const nulRefused = (path: string): ValidationError =>
  new ValidationError(`The ${path} cannot be stored: it holds the NUL character (U+0000), which PostgreSQL refuses.`, [
    { path, message: "Must not contain the NUL character (U+0000)" },
  ]);

/** The error of a write refused for an unpaired UTF-16 surrogate in the JSON value at `path`. */
export const surrogateRefused = (path: string): ValidationError =>
  new ValidationError(`The ${path} cannot be stored: it holds an unpaired UTF-16 surrogate, which PostgreSQL refuses in JSON.`, [
    { path, message: "Must not contain unpaired UTF-16 surrogates" },
  ]);

/**
 * The error refusing JSON text made by `JSON.stringify` that holds a NUL character or an unpaired surrogate, in a text
 * or a key; undefined when it holds neither.
 */
export function jsonTextRefusal(json: string, path: string): ValidationError | undefined {
  // Most JSON text has no escape of this kind at all: one scan, and the expression only where it may match.
  if (!json.includes("\\u")) return undefined;
  const found = UNSTORABLE_ESCAPE.exec(json);
  if (found === null) return undefined;
  return found[1] === "0000" ? nulRefused(path) : surrogateRefused(path);
}

/** The error refusing a text that holds NUL or an unpaired surrogate, naming `path`; undefined for any other value. */
function unstorableTextRefusal(text: unknown, path: string): ValidationError | undefined {
  if (typeof text !== "string") return undefined;
  if (text.includes(NUL)) return nulRefused(path);
  // Native and a single pass: cheaper than a regular expression on the texts of every run.
  return (text as string & { isWellFormed(): boolean }).isWellFormed() ? undefined : surrogateRefused(path);
}

/**
 * The text itself, to keep; null and undefined pass.
 * @throws ValidationError naming `path` when it holds NUL or an unpaired surrogate.
 */
export function keptText<Text extends string | null | undefined>(text: Text, path: string): Text {
  const refusal = unstorableTextRefusal(text, path);
  if (refusal) throw refusal;
  return text;
}

/**
 * Refuses a text holding NUL or an unpaired surrogate; null and undefined pass.
 * @throws ValidationError naming `path`.
 */
export function refuseUnstorableText(text: string | null | undefined, path: string): void {
  const refusal = unstorableTextRefusal(text, path);
  if (refusal) throw refusal;
}

/**
 * A copy of a stored error to keep: its code and message alone.
 * @throws ValidationError naming `path` when either holds NUL or an unpaired surrogate.
 */
export function keptError(error: StoredError | null, path: string): StoredError | null {
  if (error === null) return null;
  const refusal = unstorableTextRefusal(error.code, path) ?? unstorableTextRefusal(error.message, path);
  if (refusal) throw refusal;
  return { code: error.code, message: error.message };
}

/**
 * Refuses a record whose named text fields hold NUL or an unpaired surrogate; fields that are not texts pass. Reads
 * each field by its name, which costs about twice what reading it directly does: kept off the paths every run takes.
 * @throws ValidationError naming the first such field.
 */
export function refuseUnstorableTextIn<Record extends object>(record: Record, fields: ReadonlyArray<keyof Record & string>): void {
  for (const field of fields) {
    const refusal = unstorableTextRefusal(record[field], field);
    if (refusal) throw refusal;
  }
}
