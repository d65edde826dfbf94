import { describe, expect, it } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { decodeCursor, encodeCursor } from "./run-cursor.js";

describe("run cursor", () => {
  it("round-trips the position", () => {
    const cursor = { createdAt: new Date(Date.UTC(2026, 1, 3)), id: "run-1" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  it.each(["", "abc", forged([1]), forged(["x", "y"]), forged([-62_198_755_200_000, "run-1"]), forged([1e17, "run-1"]), forged([0, "run\u0000"]), forged([0, "\ud800"])])("rejects %j", (value) => {
    expect(() => decodeCursor(value)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    try {
      decodeCursor(value);
    } catch (error) {
      expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    }
  });
});
