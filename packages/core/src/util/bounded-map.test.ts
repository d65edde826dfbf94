import { describe, expect, it } from "vitest";
import { BoundedMap } from "./bounded-map.js";

describe("BoundedMap", () => {
  it("never holds more than maxSize entries", () => {
    const map = new BoundedMap<number, number>(10);
    for (let index = 0; index < 1_000; index += 1) {
      map.set(index, index);
      expect(map.size).toBeLessThanOrEqual(10);
    }
    expect(map.has(999)).toBe(true);
    expect(map.has(0)).toBe(false);
  });

  it("keeps recently read entries and evicts the ones not used", () => {
    const evicted: string[] = [];
    const map = new BoundedMap<string, number>(4, (key) => evicted.push(key));
    map.set("a", 1).set("b", 2).set("c", 3).set("d", 4);
    expect(map.get("a")).toBe(1);
    map.set("e", 5).set("f", 6);
    // Generations are dropped whole: the entries not read since the last turnover go together.
    expect(evicted).toEqual(["b", "c", "d"]);
    expect(map.has("a")).toBe(true);
    expect(map.size).toBe(3);
    expect([...map.values()].sort()).toEqual([1, 5, 6]);
  });

  it("does not refresh recency on peek, replaces in place and deletes from either generation", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2);
    expect(map.peek("a")).toBe(1);
    map.set("b", 20);
    expect(map.get("b")).toBe(20);
    expect(map.delete("a")).toBe(true);
    expect(map.delete("a")).toBe(false);
    expect(map.size).toBe(1);
  });

  it("rejects a size that is not a positive integer", () => {
    expect(() => new BoundedMap(0)).toThrow(/positive integer/);
  });
});
