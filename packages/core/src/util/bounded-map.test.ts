import { describe, expect, it } from "vitest";
import { BoundedMap } from "./bounded-map.js";

describe("BoundedMap", () => {
  it("evicts the least recently used entry beyond its size", () => {
    const evicted: string[] = [];
    const map = new BoundedMap<string, number>(2, (key) => evicted.push(key));
    map.set("a", 1).set("b", 2);
    expect(map.get("a")).toBe(1);
    map.set("c", 3);
    expect(evicted).toEqual(["b"]);
    expect(map.has("b")).toBe(false);
    expect([...map.values()]).toEqual([1, 3]);
    expect(map.size).toBe(2);
  });

  it("does not refresh recency on peek and replaces in place", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2);
    expect(map.peek("a")).toBe(1);
    map.set("b", 20);
    map.set("c", 3);
    expect(map.has("a")).toBe(false);
    expect(map.get("b")).toBe(20);
  });

  it("rejects a size that is not a positive integer", () => {
    expect(() => new BoundedMap(0)).toThrow(/positive integer/);
  });
});
