import type { FieldError } from "../errors/errors.js";

/**
 * The problem of a query's date bound, or null: a bound that is not a valid `Date` (a string, `new Date("junk")`)
 * would be ignored by one store and refused by another's database as if it had failed.
 */
export function dateBoundProblem(value: unknown, path: string): FieldError | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? null : { path, message: "Must be a valid Date" };
}
