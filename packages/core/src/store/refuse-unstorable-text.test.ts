import { describe, expect, it } from "vitest";
import { jsonTextRefusal, keptError, keptText, refuseUnstorableTextIn } from "./refuse-unstorable-text.js";

describe("texts the memory stores refuse as PostgreSQL does", () => {
  it("finds a NUL in JSON text, and not a text that spells its escape out", () => {
    const holds = (value: unknown) => jsonTextRefusal(JSON.stringify(value), "input") !== undefined;
    expect([{ text: "a\u0000" }, ["\u0000"], { ["k\u0000"]: 1 }, { text: "\\\u0000" }, { text: "\\\\\u0000" }].map(holds)).toEqual([true, true, true, true, true]);
    expect([{ text: "\\u0000" }, { text: "\\\\u0000" }, { "\\u0000": "C:\\u0000" }, { text: "\u0001 \uFFFF" }].map(holds)).toEqual([false, false, false, false]);
  });

  it("finds an unpaired surrogate in JSON text, and not a pair or a text that spells its escape out", () => {
    const refusal = (value: unknown) => jsonTextRefusal(JSON.stringify(value), "input")?.fieldErrors[0]?.message;
    expect([{ text: "a\uD800" }, ["\uDFFF"], { ["\uDBFF"]: 1 }, { text: "\\\uDC00" }].map(refusal)).toEqual(Array(4).fill("Must not contain unpaired UTF-16 surrogates"));
    expect([{ text: "\uD83D\uDE00" }, { text: "\\uD800" }, { text: "\u00e9 \u0001" }].map(refusal)).toEqual([undefined, undefined, undefined]);
    expect(refusal({ text: "\u0000", other: "\uD800" })).toBe("Must not contain the NUL character (U+0000)");
  });

  it("names the field that holds one", () => {
    const refusal = { code: "VALIDATION_FAILED", fieldErrors: [{ path: "owner", message: "Must not contain the NUL character (U+0000)" }] };
    expect(() => refuseUnstorableTextIn({ id: "run-1", intent: null, owner: "a\u0000", note: "b\u0000" }, ["id", "intent", "owner", "note"])).toThrow(expect.objectContaining(refusal));
    expect(keptText(null, "traceId")).toBeNull();
    expect(() => keptText("\u0000", "traceId")).toThrow(/traceId/);
    expect(() => keptError({ code: "FAILED", message: "a\u0000" }, "step.error")).toThrow(/step\.error/);
  });

  it("refuses an unpaired surrogate in a kept text, and keeps a pair", () => {
    const surrogate = { code: "VALIDATION_FAILED", fieldErrors: [{ path: "sentBy", message: "Must not contain unpaired UTF-16 surrogates" }] };
    expect(() => refuseUnstorableTextIn({ name: "approval", sentBy: "user\uDC00" }, ["name", "sentBy"])).toThrow(expect.objectContaining(surrogate));
    expect(() => keptText("\uD800x", "intent")).toThrow(/intent/);
    expect(() => keptError({ code: "FAILED", message: "\uDBFF" }, "step.error")).toThrow(/step\.error/);
    expect(keptText("\uD83D\uDE00", "intent")).toBe("\u{1F600}");
    expect(keptError({ code: "FAILED", message: "\u00e9" }, "step.error")).toEqual({ code: "FAILED", message: "\u00e9" });
  });
});
