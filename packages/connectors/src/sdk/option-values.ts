/** Whether `value` is an object with keys (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** A value as an option's error message shows it: strings quoted, so that a stray space shows. */
export const shownValue = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : Array.isArray(value) ? "an array" : isRecord(value) ? "an object" : String(value));

/**
 * The sentence refusing the first key of `value` not in `allowed`, or undefined when every key is allowed: a
 * misspelled option would otherwise be ignored, and its default used in its place.
 * @param prefix the path of `value` among the options, with a trailing dot (`"scenario."`); empty for the options themselves.
 */
export function unknownOptionSentence(value: object, allowed: ReadonlySet<string>, prefix: string): { key: string; sentence: string } | undefined {
  const key = Object.keys(value).find((entry) => !allowed.has(entry));
  if (key === undefined) return undefined;
  return { key: `${prefix}${key}`, sentence: `${prefix}${key} is not an option; the options${prefix === "" ? "" : ` of ${prefix.slice(0, -1)}`} are ${[...allowed].join(", ")}` };
}
