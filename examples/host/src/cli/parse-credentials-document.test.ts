import { describe, expect, it } from "vitest";
import { parseCredentialsDocument } from "./parse-credentials-document.js";

const documentWith = (expiresAt: string) => JSON.stringify({ credentials: { accessToken: "at-1" }, expiresAt });

describe("parseCredentialsDocument", () => {
  it.each(["+275760-09-13T00:00:00.000Z", "9999-12-31T23:59:59-01:00", "+010000-01-01T00:00:00.000Z", "0000-12-31T23:59:59.999Z", "-000001-01-01T00:00:00Z", "not a date"])(
    "refuses expiresAt %s, naming expiresAt",
    (expiresAt) => {
      expect(() => parseCredentialsDocument(documentWith(expiresAt))).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", fieldErrors: [expect.objectContaining({ path: "expiresAt" })] }));
    },
  );

  it.each([
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
    ["9999-12-31T22:59:59.999-01:00", "9999-12-31T23:59:59.999Z"],
  ])("takes expiresAt %s at the edge of the range", (expiresAt, inUtc) => {
    expect(parseCredentialsDocument(documentWith(expiresAt)).expiresAt?.toISOString()).toBe(inUtc);
  });

  it("reads credentials and authType, and leaves expiresAt out when absent", () => {
    expect(parseCredentialsDocument(JSON.stringify({ credentials: { apiKey: "k" }, authType: "bearer" }))).toEqual({ credentials: { apiKey: "k" }, authType: "bearer" });
  });
});
