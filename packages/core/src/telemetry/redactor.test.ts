import { describe, expect, it } from "vitest";
import { createRecordingLogger } from "../testing/recording-logger.js";
import { STORABLE_VALUE_LIMITS } from "../util/storable-value.js";
import { createRedactingLogger } from "./redacting-logger.js";
import { REDACTED, createRedactor } from "./redactor.js";

describe("redactor", () => {
  it("redacts secret keys at any depth and keeps counts readable", () => {
    const redactor = createRedactor();
    const value = {
      headers: { Authorization: "Bearer abc", "x-api-key": "k" },
      auth: { access_token: "a", refreshToken: "r", client_secret: "s", password: "p" },
      usage: { total_tokens: 12, max_tokens: 100 },
      list: [{ apiKey: "z" }],
    };
    expect(redactor.redact(value)).toEqual({
      headers: { Authorization: REDACTED, "x-api-key": REDACTED },
      auth: { access_token: REDACTED, refreshToken: REDACTED, client_secret: REDACTED, password: REDACTED },
      usage: { total_tokens: 12, max_tokens: 100 },
      list: [{ apiKey: REDACTED }],
    });
    expect(value.auth.password).toBe("p");
  });

  it("redacts secret values wherever they appear, including in errors and text", () => {
    const redactor = createRedactor({ values: ["sk-live-canary-123"] });
    expect(redactor.redact({ note: "key is sk-live-canary-123 here", error: new Error("bad key sk-live-canary-123") })).toEqual({
      note: `key is ${REDACTED} here`,
      error: { name: "Error", message: `bad key ${REDACTED}` },
    });
    expect(redactor.redactText("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y")).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it("adds values and keys on top of the defaults", () => {
    const redactor = createRedactor({ keys: ["ssn"] }).withValues(["hunter22"]);
    expect(redactor.redact({ SSN: "1", text: "pw hunter22" })).toEqual({ SSN: REDACTED, text: `pw ${REDACTED}` });
  });

  it("survives cycles and deep nesting", () => {
    const cyclic: Record<string, unknown> = { name: "a" };
    cyclic.self = cyclic;
    expect(createRedactor().redact(cyclic)).toEqual({ name: "a", self: "[Circular]" });
    let deep: Record<string, unknown> = { leaf: true };
    // 64 levels, the deepest value a store holds, are copied whole; deeper ones are cut off.
    for (let index = 1; index < STORABLE_VALUE_LIMITS.maxDepth; index += 1) deep = { next: deep };
    expect(createRedactor().redact(deep)).toEqual(deep);
    expect(JSON.stringify(createRedactor().redact({ next: deep }))).toContain("[Truncated]");
  });

  it("wraps a logger so that no field or message carries a secret", () => {
    const logger = createRecordingLogger();
    const redacting = createRedactingLogger(logger, createRedactor({ values: ["canary-secret"] }));
    redacting.child({ token: "t" }).info({ detail: "canary-secret leaked" }, "calling with canary-secret");
    expect(logger.lines).toEqual([{ level: "info", fields: { token: REDACTED, detail: `${REDACTED} leaked` }, message: `calling with ${REDACTED}` }]);
  });
});
