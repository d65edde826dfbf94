import { describe, expect, it } from "vitest";
import { resolveConnectorMode } from "../client/resolve-mode.js";
import { parseRetryAfter } from "./parse-retry-after.js";

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it("reads delay-seconds and HTTP dates", () => {
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter("1.5", now)).toBe(1_500);
    expect(parseRetryAfter("Thu, 01 Jan 2026 12:00:45 GMT", now)).toBe(45_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 11:00:00 GMT", now)).toBe(0);
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
