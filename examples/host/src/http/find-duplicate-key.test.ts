import { describe, expect, it } from "vitest";
import { findDuplicateKey } from "./find-duplicate-key.js";

describe("findDuplicateKey", () => {
  it("finds nothing in JSON whose objects have distinct keys", () => {
    expect(findDuplicateKey('{"agent":"echo","input":{"a":1,"b":[{"a":1},{"a":2}],"c":{"a":{"a":null}}}}')).toBeNull();
    expect(findDuplicateKey("[1,true,null,\"a\",{}]")).toBeNull();
    expect(findDuplicateKey('"just text"')).toBeNull();
  });

  it("names a duplicate at the top level", () => {
    expect(findDuplicateKey('{"agent":"echo","input":{},"agent":"other"}')).toEqual(["agent"]);
  });

  it("names a duplicate in a nested object by its path", () => {
    expect(findDuplicateKey('{"input":{"a":1,"a":2}}')).toEqual(["input", "a"]);
    expect(findDuplicateKey('{"input":{"x":{"y":1},"z":{"k":1,"k":2}}}')).toEqual(["input", "z", "k"]);
  });

  it("counts items in arrays of objects, each object with its own keys", () => {
    expect(findDuplicateKey('{"items":[{"a":1},{"a":1,"b":[],"a":2}]}')).toEqual(["items", "1", "a"]);
    expect(findDuplicateKey('[[],[{"a":1}],{"b":1,"b":2}]')).toEqual(["2", "b"]);
  });

  it("compares keys once decoded, so escapes cannot hide a duplicate", () => {
    expect(findDuplicateKey('{"a":1,"\\u0061":2}')).toEqual(["a"]);
    expect(findDuplicateKey('{"a\\"b":1,"a\\u0022b":2}')).toEqual(['a"b']);
    expect(findDuplicateKey('{"\\/":1,"/":2}')).toEqual(["/"]);
    expect(findDuplicateKey('{"\\ud800":1,"\\uD800":2}')).toEqual(["\ud800"]);
  });

  it("tells keys that differ once decoded apart", () => {
    expect(findDuplicateKey('{"a":1,"\\u0041":2,"a\\\\":3,"a\\\\\\\\":4}')).toBeNull();
  });

  it("is not misled by structure inside strings", () => {
    expect(findDuplicateKey('{"a":"{\\"a\\":1,\\"a\\":2}","b":"\\\\","c":"]}[{,:"}')).toBeNull();
    expect(findDuplicateKey('{"a":"\\\\","a":1}')).toEqual(["a"]);
  });

  it("follows nesting far deeper than the input limit without recursion", () => {
    const depth = 100_000;
    expect(findDuplicateKey(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)).toBeNull();
    expect(findDuplicateKey(`${"[".repeat(depth)}{"k":1,"k":2}${"]".repeat(depth)}`)).toEqual([...Array.from({ length: depth }, () => "0"), "k"]);
  });

  it("scans a 1 MiB body with wide and many objects", () => {
    const wide = Object.fromEntries(Array.from({ length: 40_000 }, (_unused, index) => [`key${index}`, index]));
    const many = Array.from({ length: 20_000 }, (_unused, index) => ({ id: index, name: "x" }));
    const body = JSON.stringify({ wide, many });
    expect(body.length).toBeGreaterThan(700_000);
    expect(findDuplicateKey(body)).toBeNull();
    expect(findDuplicateKey(`${body.slice(0, -1)},"many":[]}`)).toEqual(["many"]);
  });
});
