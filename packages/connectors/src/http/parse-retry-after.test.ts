import { describe, expect, it } from "vitest";
import { resolveConnectorMode } from "../client/resolve-mode.js";
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from "./parse-retry-after.js";

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it("reads delay-seconds and HTTP dates", () => {
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 12:00:45 GMT", now)).toBe(45_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 11:00:00 GMT", now)).toBe(0);
  });
  it("reads the two obsolete date forms that RFC 9110 recipients must accept", () => {
    expect(parseRetryAfter("Thursday, 01-Jan-26 12:00:45 GMT", now)).toBe(45_000);
    expect(parseRetryAfter("Thu Jan  1 12:00:45 2026", now)).toBe(45_000);
  });
  it("does not read a negative, fractional, repeated or loosely written value as 'retry now'", () => {
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("10, 10", now)).toBeUndefined();
    expect(parseRetryAfter("2x", now)).toBeUndefined();
    expect(parseRetryAfter("120.", now)).toBeUndefined();
    expect(parseRetryAfter("1.5", now)).toBeUndefined();
    expect(parseRetryAfter("+5", now)).toBeUndefined();
    expect(parseRetryAfter("2026-01-01T12:00:45Z", now)).toBeUndefined();
    expect(parseRetryAfter("Thu, 01 Jan 2026 12:00:45 +0000", now)).toBeUndefined();
    expect(parseRetryAfter("Thu, 31 Feb 2026 12:00:45 GMT", now)).toBeUndefined();
    expect(parseRetryAfter("Thu, 01 Jan 2026 24:00:00 GMT", now)).toBeUndefined();
  });
  it("caps a very long delay at MAX_RETRY_AFTER_MS", () => {
    expect(parseRetryAfter("99999999999999999999", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", now)).toBe(MAX_RETRY_AFTER_MS);
  });
  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("resolveConnectorMode", () => {
  it("lets the environment force mock mode over the code", () => {
    expect(resolveConnectorMode("live", { NEONHUB_CONNECTORS_MODE: "mock" })).toBe("mock");
    expect(resolveConnectorMode("live", { USE_MOCK_CONNECTORS: "true" })).toBe("mock");
    expect(resolveConnectorMode(undefined, { NEONHUB_CONNECTORS_MODE: "live" })).toBe("live");
    expect(resolveConnectorMode("mock", {})).toBe("mock");
    expect(resolveConnectorMode(undefined, {})).toBe("live");
  });
  it("rejects unknown modes", () => {
    expect(() => resolveConnectorMode(undefined, { NEONHUB_CONNECTORS_MODE: "sandbox" })).toThrow(/must be "mock" or "live"/);
  });
});
