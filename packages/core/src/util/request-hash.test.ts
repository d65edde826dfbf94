import { describe, expect, it } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { requestHash, stableStringify } from "./request-hash.js";
import { STORABLE_VALUE_LIMITS } from "./storable-value.js";

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = { next: value };
  return value;
};

describe("stableStringify", () => {
  it("writes sorted JSON, leaving out undefined members and writing dates as ISO text", () => {
    const value = { b: [1, "two", null, undefined, { d: true, c: new Date(Date.UTC(2026, 0, 2)) }], a: { z: undefined, y: -0.5 }, e: [] };
    expect(stableStringify(value)).toBe('{"a":{"y":-0.5},"b":[1,"two",null,null,{"c":"2026-01-02T00:00:00.000Z","d":true}],"e":[]}');
    expect(stableStringify("text")).toBe('"text"');
    expect(stableStringify(undefined)).toBe("null");
  });

  it("gives equal text for equal values whatever the order of their keys", () => {
    expect(stableStringify({ a: 1, b: { c: 2, d: 3 } })).toBe(stableStringify({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it("refuses values nested deeper than its limit with a typed error, never a stack overflow", () => {
    expect(() => stableStringify(nested(STORABLE_VALUE_LIMITS.maxDepth))).not.toThrow();
    for (const depth of [STORABLE_VALUE_LIMITS.maxDepth + 1, 100_000]) {
      try {
        stableStringify(nested(depth));
        expect.unreachable();
      } catch (error) {
        expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
      }
    }
  });
});

describe("requestHash", () => {
  it("hashes an input as deep as the storable limit, and tells different requests apart", () => {
    const deep = nested(STORABLE_VALUE_LIMITS.maxDepth);
    expect(requestHash("echo", null, deep)).toBe(requestHash("echo", null, nested(STORABLE_VALUE_LIMITS.maxDepth)));
    expect(requestHash("echo", null, { a: 1 })).not.toBe(requestHash("echo", "intent", { a: 1 }));
    // The fingerprint of stored runs must not change between versions.
    expect(requestHash("echo", null, { text: "hi" })).toBe("8n9tj8rxoTIAeOEtIp11VksusVgcwO1YUtAuz42wRzU");
  });
});
