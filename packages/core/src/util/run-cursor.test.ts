import { describe, expect, it } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { decodeCursor, encodeCursor } from "./run-cursor.js";

describe("run cursor", () => {
  it("round-trips the position", () => {
    const cursor = { createdAt: new Date(Date.UTC(2026, 1, 3)), id: "run-1" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each(["", "abc", Buffer.from("[1]").toString("base64url"), Buffer.from('["x","y"]').toString("base64url")])("rejects %j", (value) => {
    expect(() => decodeCursor(value)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    try {
      decodeCursor(value);
    } catch (error) {
      expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    }
  });
});
