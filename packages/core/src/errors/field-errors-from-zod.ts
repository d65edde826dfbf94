import type { FieldError } from "./errors.js";

/** The shape of a zod issue that we read (zod 3 and 4 agree on it). */
interface ZodIssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

/** Field errors of a zod error, with dotted paths. */
export function fieldErrorsFromZod(error: { issues: ReadonlyArray<ZodIssueLike> }): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}
