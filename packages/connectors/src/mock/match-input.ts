import { stableStringify } from "./seeded-random.js";
import type { MockInputMatcher } from "./mock-fixture.js";

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

function containsPartial(partial: Record<string, unknown>, value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  return Object.entries(partial).every(([key, expected]) => {
    const actual = value[key];
    if (isPlainObject(expected)) return containsPartial(expected, actual);
    if (Array.isArray(expected) || expected instanceof Date) return stableStringify(expected) === stableStringify(actual);
    return Object.is(expected, actual);
  });
}

/** Whether a call's input satisfies a fixture's matcher (a partial object, deeply, or a predicate). */
export function matchesInput(matcher: MockInputMatcher | undefined, input: unknown): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === "function") return matcher(input);
  return containsPartial(matcher, input);
}
