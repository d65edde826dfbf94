import { describe, expect, it } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { assertStorableValue, isStorableDate, isStorableText, STORABLE_VALUE_LIMITS, storableValueProblems, toStorableText } from "./storable-value.js";

const nested = (depth: number): unknown => {
  let value: unknown = "leaf";
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? { next: value } : [value];
  return value;
};

describe("storable values", () => {
  it("accepts ordinary JSON, emoji and every other plane", () => {
    expect(storableValueProblems({ text: "héllo 😀 \u{10FFFF}", list: [1, -2.5, true, null], nested: { deep: ["x"] } }, "input")).toEqual([]);
  });

  it.each([
    ["a NUL character", { name: "a\u0000b" }, "input.name", "NUL"],
    ["a lone high surrogate", { name: "a\uD800" }, "input.name", "surrogate"],
    ["a lone low surrogate in an array", { list: ["ok", "\uDC00x"] }, "input.list.1", "surrogate"],
    ["a NUL in a key", { "bad\u0000key": 1 }, "input.bad\u0000key", "NUL"],
    ["a number that is not finite", { value: Number.NaN }, "input.value", "finite"],
    ["infinity", [Number.POSITIVE_INFINITY], "input.0", "finite"],
    ["a bigint", { value: 10n }, "input.value", "bigint"],
    ["an invalid date", { at: new Date(Number.NaN) }, "input.at", "date"],
  ])("names the path of %s", (_label, value, path, message) => {
    const problems = storableValueProblems(value, "input");
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe(path);
    expect(problems[0]?.message).toContain(message);
  });

  it("accepts nesting up to the limit and refuses one level more, at any depth without overflowing the stack", () => {
    expect(storableValueProblems(nested(STORABLE_VALUE_LIMITS.maxDepth), "input")).toEqual([]);
    expect(storableValueProblems(nested(STORABLE_VALUE_LIMITS.maxDepth + 1), "input")[0]?.message).toContain("deep");
    expect(storableValueProblems(nested(200_000), "input")[0]?.message).toContain("deep");
  });

  it("stops at a cycle as at any other depth", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(storableValueProblems(cycle, "input")[0]?.message).toContain("deep");
  });

  it("refuses an object with too many keys and a value with too many entries", () => {
    const wide = Object.fromEntries(Array.from({ length: STORABLE_VALUE_LIMITS.maxObjectKeys + 1 }, (_, index) => [`k${index}`, index]));
    expect(storableValueProblems(wide, "input")[0]?.message).toContain("keys");
    const atLimit = Object.fromEntries(Array.from({ length: STORABLE_VALUE_LIMITS.maxObjectKeys }, (_, index) => [`k${index}`, index]));
    expect(storableValueProblems(atLimit, "input")).toEqual([]);
    const long = Array.from({ length: STORABLE_VALUE_LIMITS.maxEntries + 1 }, () => 0);
    expect(storableValueProblems(long, "input")[0]?.message).toContain("in all");
  });

  it("reports every bad field at once in a typed error", () => {
    try {
      assertStorableValue({ a: "\u0000", b: [Number.NaN] }, "input");
      expect.unreachable();
    } catch (error) {
      expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
      expect((error as { fieldErrors: Array<{ path: string }> }).fieldErrors.map((field) => field.path)).toEqual(["input.a", "input.b.0"]);
    }
  });

  it("tells storable text and dates from the rest", () => {
    expect(isStorableText("plain")).toBe(true);
    expect(isStorableText("😀")).toBe(true);
    expect(isStorableText("\u0000")).toBe(false);
    expect(isStorableText("\uDBFF")).toBe(false);
    expect(isStorableDate(new Date("0001-01-01T00:00:00.000Z"))).toBe(true);
    expect(isStorableDate(new Date("9999-12-31T23:59:59.999Z"))).toBe(true);
    expect(isStorableDate(new Date("0000-12-31T23:59:59.999Z"))).toBe(false);
    expect(isStorableDate(new Date("+010000-01-01T00:00:00.000Z"))).toBe(false);
    expect(isStorableDate(new Date(Number.NaN))).toBe(false);
  });
});

describe("toStorableText", () => {
  it("replaces NUL characters and unpaired surrogates with U+FFFD, keeps pairs, and hands back a storable text as it is", () => {
    const cut = `${"x".repeat(9)}\uD83D\uDE00`.slice(0, 10);
    expect(toStorableText(cut)).toBe(`${"x".repeat(9)}\uFFFD`);
    expect(toStorableText("a\u0000b\uDC00c\uD83D\uDE00")).toBe("a\uFFFDb\uFFFDc\uD83D\uDE00");
    for (const text of ["plain", "pair \uD83D\uDE00", "", "\uFFFD"]) expect(toStorableText(text)).toBe(text);
    expect(isStorableText(toStorableText("\uD800\u0000\uDFFF"))).toBe(true);
  });
});
