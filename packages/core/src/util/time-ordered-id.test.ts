import { describe, expect, it } from "vitest";
import { createTimeOrderedIds } from "./time-ordered-id.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisecondsOf = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe("createTimeOrderedIds", () => {
  it("writes version 7 UUIDs whose first 48 bits are the given milliseconds", () => {
    const newId = createTimeOrderedIds();
    const unixMs = Date.UTC(2026, 10, 27, 10, 30, 0, 123);
    const id = newId(unixMs);
    expect(id).toMatch(UUID_V7);
    expect(millisecondsOf(id)).toBe(unixMs);
  });

  it("sorts ids of later milliseconds after earlier ones, as text", () => {
    const newId = createTimeOrderedIds();
    const ids = [0, 1, 255, 256, 65_535, 2 ** 32, Date.UTC(2026, 0, 1), Date.UTC(2100, 0, 1)].map(newId);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map(millisecondsOf)).toEqual([0, 1, 255, 256, 65_535, 2 ** 32, Date.UTC(2026, 0, 1), Date.UTC(2100, 0, 1)]);
  });

  it("keeps the order of ids made within one millisecond, borrowing the next one when its counter runs out", () => {
    const newId = createTimeOrderedIds();
    const ids = Array.from({ length: 5_000 }, () => newId(1_000));
    expect(new Set(ids).size).toBe(5_000);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 300)) expect(id).toMatch(UUID_V7);
    // At least 2,048 ids fit in a millisecond; 5,000 need a second or third one.
    expect(millisecondsOf(ids[2_047] as string)).toBe(1_000);
    expect(millisecondsOf(ids.at(-1) as string)).toBeGreaterThan(1_000);
    expect(millisecondsOf(ids.at(-1) as string)).toBeLessThanOrEqual(1_002);
  });

  it("keeps sorting forward when the clock steps back, and follows it again once it passes", () => {
    const newId = createTimeOrderedIds();
    const before = newId(5_000);
    const stepBack = newId(4_000);
    expect(stepBack > before).toBe(true);
    expect(millisecondsOf(stepBack)).toBe(5_000);
    expect(millisecondsOf(newId(6_000))).toBe(6_000);
  });

  it("gives each generator its own clock: one run far ahead does not move another's ids", () => {
    const ahead = createTimeOrderedIds();
    const behind = createTimeOrderedIds();
    ahead(Date.UTC(2100, 0, 1));
    expect(millisecondsOf(behind(Date.UTC(2026, 0, 1)))).toBe(Date.UTC(2026, 0, 1));
  });

  it("returns independent strings: a later id does not change an earlier one", () => {
    const newId = createTimeOrderedIds();
    const first = newId(5);
    const copy = `${first}`;
    newId(6);
    expect(first).toBe(copy);
  });
});
