import { describe, expect, it } from "vitest";
import { parseKeyExpiry } from "./parse-key-expiry.js";

const NOW = Date.UTC(2026, 5, 1, 12);

describe("parseKeyExpiry", () => {
  it("reads hours and days from now, an ISO time with offset, and no expiry when neither is given", () => {
    expect(parseKeyExpiry({ expiresIn: "12h" }, NOW)).toEqual(new Date(NOW + 12 * 3_600_000));
    expect(parseKeyExpiry({ expiresIn: "90d" }, NOW)).toEqual(new Date(Date.UTC(2026, 7, 30, 12)));
    expect(parseKeyExpiry({ expiresAt: "2026-06-01T14:00:00+02:00" }, NOW - 1)).toEqual(new Date(NOW));
    expect(parseKeyExpiry({ expiresAt: "9999-12-31T23:59:59.999Z" }, NOW)).toEqual(new Date("9999-12-31T23:59:59.999Z"));
    expect(parseKeyExpiry({}, NOW)).toBeNull();
  });

  it("refuses other units, other spellings and zero, naming expiresIn", () => {
    for (const expiresIn of ["90m", "90s", "2w", "1y", "90", "d", "0d", "-1d", "1.5d", " 90d", "90D", "1000000d"]) {
      expect(() => parseKeyExpiry({ expiresIn }, NOW), expiresIn).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", fieldErrors: [expect.objectContaining({ path: "expiresIn" })] }));
    }
    expect(() => parseKeyExpiry({ expiresIn: "90m" }, NOW)).toThrow('--expires-in takes a whole number of hours or days, like 12h or 90d; got "90m".');
  });

  it("refuses a time that has passed or is now, outside years 1 to 9999 in UTC, or without an offset, naming expiresAt", () => {
    const times = ["2026-06-01T12:00:00Z", "2020-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00", "+010000-01-01T00:00:00Z", "2027-03-01", "2027-03-01T00:00:00", "next week"];
    for (const expiresAt of times) {
      expect(() => parseKeyExpiry({ expiresAt }, NOW), expiresAt).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", fieldErrors: [expect.objectContaining({ path: "expiresAt" })] }));
    }
    expect(() => parseKeyExpiry({ expiresAt: "2020-01-01T00:00:00Z" }, NOW)).toThrow("expiresAt 2020-01-01T00:00:00.000Z has passed: a key must expire in the future.");
  });

  it("refuses both options at once", () => {
    expect(() => parseKeyExpiry({ expiresIn: "90d", expiresAt: "2027-03-01T00:00:00Z" }, NOW)).toThrow("Give --expires-in or --expires-at, not both.");
  });
});
