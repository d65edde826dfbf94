/** Whether `value` is an object with keys (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The first own key of `value` that is not in `allowed`, or undefined when there is none. Options are refused for
 * such a key: a misspelled option would otherwise be ignored, and its default used in its place.
 */
export function firstUnknownKey(value: Record<string, unknown>, allowed: ReadonlySet<string>): string | undefined {
  for (const key in value) {
    if (Object.hasOwn(value, key) && !allowed.has(key)) return key;
  }
  return undefined;
}
