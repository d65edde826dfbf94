import { ValidationError, type FieldError } from "../errors/errors.js";

// Date.UTC maps years 0 to 99 onto 1900 to 1999, so year 1 is set explicitly.
const MIN_TIMESTAMP_MS = new Date(0).setUTCFullYear(1, 0, 1);

/**
 * What a value stored on a run (input, output, intent, keys) may hold. PostgreSQL refuses NUL characters and
 * unpaired UTF-16 surrogates in text and JSON, and timestamps outside its range; deep or huge values cost stack and
 * CPU before they reach it. Values outside these limits are refused as bad input, before any store call.
 */
export const STORABLE_VALUE_LIMITS = Object.freeze({
  /** Objects and arrays nested inside each other, counting the outermost one as 1. */
  maxDepth: 64,
  /** Keys of one object. */
  maxObjectKeys: 1_000,
  /** Object keys and array items of the whole value, counted together. */
  maxEntries: 100_000,
  /** Earliest timestamp (inclusive): 0001-01-01T00:00:00.000Z. */
  minTimestampMs: MIN_TIMESTAMP_MS,
  /** Latest timestamp (inclusive): 9999-12-31T23:59:59.999Z. */
  maxTimestampMs: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
});


const NUL = "\u0000";

// Two native scans cost less than half of one regular expression over the same short text: every store call pays this.
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** Why a text cannot be stored, or null when it can. */
export function storableTextProblem(text: string): string | null {
  if (text.includes(NUL)) return "Must not contain the NUL character (U+0000)";
  return isWellFormed(text) ? null : "Must not contain unpaired UTF-16 surrogates";
}

/**
 * The text with each NUL character and unpaired UTF-16 surrogate replaced by U+FFFD, so that every store keeps it; the
 * text itself when it holds neither. For texts made from what others answered, such as a provider's error message cut
 * to a length (which can split a surrogate pair), that a store would otherwise refuse, failing a call for a message.
 * @example
 * toStorableText(`${"\uD83D\uDE00".slice(0, 1)} and \u0000`); // "\uFFFD and \uFFFD"
 */
export function toStorableText(text: string): string {
  if (storableTextProblem(text) === null) return text;
  return (text.replaceAll(NUL, "\uFFFD") as string & { toWellFormed(): string }).toWellFormed();
}

/** True when PostgreSQL can hold the text: no NUL character and no unpaired UTF-16 surrogate. */
export function isStorableText(text: string): boolean {
  return storableTextProblem(text) === null;
}

/** True when the date is valid and within 0001-01-01 and 9999-12-31 (UTC), which every store can hold. */
export function isStorableDate(date: Date): boolean {
  const time = date.getTime();
  return time >= MIN_TIMESTAMP_MS && time <= STORABLE_VALUE_LIMITS.maxTimestampMs;
}

const join = (path: string, key: string | number): string => (path === "" ? String(key) : `${path}.${key}`);

/**
 * Problems that keep a JSON-like value from being stored, each with its field path under `path`; empty when none.
 * Walks the value without recursion, so no depth of nesting can overflow the stack, and stops at the first problem
 * of depth or size (anything past it was not looked at).
 */
export function storableValueProblems(value: unknown, path: string): FieldError[] {
  const problems: FieldError[] = [];
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path, depth: 0 }];
  let entries = 0;
  while (pending.length > 0) {
    const current = pending.pop() as { value: unknown; path: string; depth: number };
    const item = current.value;
    if (typeof item === "string") {
      const problem = storableTextProblem(item);
      if (problem) problems.push({ path: current.path, message: problem });
    } else if (typeof item === "number") {
      if (!Number.isFinite(item)) problems.push({ path: current.path, message: "Must be a finite number" });
    } else if (typeof item === "bigint" || typeof item === "symbol" || typeof item === "function") {
      problems.push({ path: current.path, message: `Must be a JSON value, not a ${typeof item}` });
    } else if (item instanceof Date) {
      if (!isStorableDate(item)) problems.push({ path: current.path, message: "Must be a valid date from year 1 to 9999" });
    } else if (typeof item === "object" && item !== null) {
      const depth = current.depth + 1;
      if (depth > STORABLE_VALUE_LIMITS.maxDepth) {
        problems.push({ path: current.path, message: `Must not nest objects and arrays more than ${STORABLE_VALUE_LIMITS.maxDepth} deep` });
        return problems;
      }
      if (Array.isArray(item)) {
        entries += item.length;
        if (entries > STORABLE_VALUE_LIMITS.maxEntries) return [...problems, tooManyEntries(path)];
        for (let index = item.length - 1; index >= 0; index -= 1) pending.push({ value: item[index], path: join(current.path, index), depth });
        continue;
      }
      const keys = Object.keys(item);
      entries += keys.length;
      if (keys.length > STORABLE_VALUE_LIMITS.maxObjectKeys) {
        problems.push({ path: current.path, message: `Must not have more than ${STORABLE_VALUE_LIMITS.maxObjectKeys} keys` });
        return problems;
      }
      if (entries > STORABLE_VALUE_LIMITS.maxEntries) return [...problems, tooManyEntries(path)];
      for (let index = keys.length - 1; index >= 0; index -= 1) {
        const key = keys[index] as string;
        const keyProblem = storableTextProblem(key);
        if (keyProblem) problems.push({ path: join(current.path, key), message: `Key: ${keyProblem}` });
        pending.push({ value: (item as Record<string, unknown>)[key], path: join(current.path, key), depth });
      }
    }
  }
  return problems;
}

function tooManyEntries(path: string): FieldError {
  return { path, message: `Must not hold more than ${STORABLE_VALUE_LIMITS.maxEntries} keys and items in all` };
}

/**
 * Throws a {@link ValidationError} naming every field that cannot be stored.
 * @example
 * assertStorableValue(body.input, "input"); // ValidationError with path "input.name" for { name: "a\u0000b" }
 */
export function assertStorableValue(value: unknown, path: string): void {
  const problems = storableValueProblems(value, path);
  if (problems.length > 0) throw new ValidationError(`The request holds values that cannot be stored: ${problems.map((problem) => problem.path || "(root)").join(", ")}.`, problems);
}
