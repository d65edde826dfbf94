import { describe, expect, it } from "vitest";
import { timeOrderedId } from "./time-ordered-id.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("timeOrderedId", () => {
  it("writes a version 7 UUID whose first 48 bits are the given milliseconds", () => {
    const unixMs = Date.UTC(2026, 10, 27, 10, 30, 0, 123);
    const id = timeOrderedId(unixMs);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(unixMs);
  });

  it("sorts ids of later milliseconds after earlier ones, as text", () => {
    const ids = [0, 1, 255, 256, 65_535, 2 ** 32, Date.UTC(2026, 0, 1), Date.UTC(2100, 0, 1)].map(timeOrderedId);
    expect([...ids].sort()).toEqual(ids);
  });

  it("gives distinct ids within one millisecond, across many refills of its random pool", () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => timeOrderedId(1_000)));
    expect(ids.size).toBe(20_000);
    for (const id of [...ids].slice(0, 300)) expect(id).toMatch(UUID_V7);
  });

  it("returns independent strings: a later id does not change an earlier one", () => {
    const first = timeOrderedId(5);
    const copy = `${first}`;
    timeOrderedId(6);
    expect(first).toBe(copy);
  });
});
