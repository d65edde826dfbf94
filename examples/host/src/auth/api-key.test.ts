import { describe, expect, it } from "vitest";
import { API_KEY_PREFIX, generateApiKey, hashApiKey, listedPrefix } from "./api-key.js";

describe("API keys", () => {
  it("hashes with SHA-256 as hex, so keys stored by any earlier version still match", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // Non-ASCII text is hashed as UTF-8, as the first version did.
    expect(hashApiKey("nh_é")).toBe("44477e4f554b3e1ac9072d8bde4166375790b4289db41922334931d31bdc9c27");
  });

  it("generates prefixed, random keys and lists only their start", () => {
    const first = generateApiKey();
    const second = generateApiKey();
    expect(first.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^nh_[A-Za-z0-9_-]{43}$/);
    expect(listedPrefix(first)).toBe(first.slice(0, 10));
    expect(hashApiKey(first)).not.toBe(hashApiKey(second));
  });
});
