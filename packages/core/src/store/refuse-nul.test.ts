import { describe, expect, it } from "vitest";
import { jsonHoldsNul, keptError, keptText, refuseNulIn } from "./refuse-nul.js";

describe("NUL in the memory stores' values", () => {
  it("finds a NUL in JSON text, and not a text that spells its escape out", () => {
    const holds = (value: unknown) => jsonHoldsNul(JSON.stringify(value));
    expect([{ text: "a\u0000" }, ["\u0000"], { ["k\u0000"]: 1 }, { text: "\\\u0000" }, { text: "\\\\\u0000" }].map(holds)).toEqual([true, true, true, true, true]);
    expect([{ text: "\\u0000" }, { text: "\\\\u0000" }, { "\\u0000": "C:\\u0000" }, { text: "\u0001 \uFFFF" }].map(holds)).toEqual([false, false, false, false]);
  });

  it("names the field that holds one", () => {
    const refusal = { code: "VALIDATION_FAILED", fieldErrors: [{ path: "owner", message: "Must not contain the NUL character (U+0000)" }] };
    expect(() => refuseNulIn({ id: "run-1", intent: null, owner: "a\u0000", note: "b\u0000" }, ["id", "intent", "owner", "note"])).toThrow(expect.objectContaining(refusal));
    expect(keptText(null, "traceId")).toBeNull();
    expect(() => keptText("\u0000", "traceId")).toThrow(/traceId/);
    expect(() => keptError({ code: "FAILED", message: "a\u0000" }, "step.error")).toThrow(/step\.error/);
  });
});
