import { ValidationError } from "../errors/errors.js";
import type { StoredError } from "../model/agent-run.js";
import { storableTextProblem } from "../util/storable-value.js";
import { jsonTextRefusal, nulRefused, surrogateRefused } from "./refuse-unstorable-text.js";

// The memory stores keep a caller's object or array as its JSON text and parse it again on every read, so that
// callers get what a database's JSON column gives back (a `Date` as its ISO string, no `undefined` property, a class
// instance as a plain object) and can never change what is kept, nor one another's copies. Other values cannot be
// changed and are kept as they are, so that a run whose input and output are such values copies nothing; those JSON
// writes as null (`NaN`, `Infinity`, `-Infinity`) are kept as null, as PostgreSQL keeps them.

/** True for a value kept as its JSON text: an object or an array. */
export const isJsonText = (value: unknown): value is object => typeof value === "object" && value !== null;

/** The types of values JSON writes as nothing: kept as null, as the database store keeps them. */
const WRITTEN_AS_NOTHING = new Set(["undefined", "function", "symbol"]);

/**
 * What is kept beside a value's JSON text: null for an object or array, for what JSON writes as nothing (`undefined`,
 * a function, a symbol) and for a number that is not finite (JSON has no such value); the value itself otherwise.
 */
export const keptValueOf = (value: unknown): unknown =>
  isJsonText(value) || WRITTEN_AS_NOTHING.has(typeof value) || (typeof value === "number" && !Number.isFinite(value)) ? null : value;

/**
 * The JSON text an object or array is kept as; null for any other value.
 * @throws ValidationError for a value JSON cannot hold (a `bigint`, at the top or inside, a cycle), or one holding a
 * NUL character or an unpaired UTF-16 surrogate in a text or a key, as the database store refuses it.
 */
export function jsonTextOf(value: unknown, path: string): string | null {
  if (typeof value === "string") {
    // A text is kept as it is, but PostgreSQL holds it as JSON: refused for what JSON there refuses.
    const problem = storableTextProblem(value);
    if (problem !== null) throw value.includes("\u0000") ? nulRefused(path) : surrogateRefused(path);
    return null;
  }
  if (typeof value === "bigint") throw new ValidationError(`The ${path} cannot be stored as JSON: JSON has no bigint.`, [{ path, message: "Must be a JSON value (no bigint, no cycle)" }]);
  if (!isJsonText(value)) return null;
  let text: string;
  try {
    // An object whose `toJSON` returns nothing is stored as JSON null, as PostgreSQL stores it.
    text = JSON.stringify(value) ?? "null";
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`The ${path} cannot be stored as JSON: ${reason}.`, [{ path, message: "Must be a JSON value (no bigint, no cycle)" }], { cause: error });
  }
  const refusal = jsonTextRefusal(text, path);
  if (refusal) throw refusal;
  return text;
}

/** The value kept as `value` and `json` (see {@link keptValueOf} and {@link jsonTextOf}): a new one on every read. */
export const readKept = (value: unknown, json: string | null): unknown => (json === null ? value : JSON.parse(json));

/** A new value in the JSON form of `value`, for a store that keeps such a copy rather than the text. */
export const inJsonForm = (value: unknown, path: string): unknown => readKept(keptValueOf(value), jsonTextOf(value, path));

/** A stored error as the database store reads it back: a new object of its code and message alone. */
export const copyStoredError = (error: StoredError | null): StoredError | null => (error === null ? null : { code: error.code, message: error.message });
