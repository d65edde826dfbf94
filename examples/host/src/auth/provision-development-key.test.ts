import { describe, expect, it } from "vitest";
import { hashApiKey } from "./api-key.js";
import { createMemoryApiKeyStore } from "./memory-api-key-store.js";
import { DEVELOPMENT_CALLER, provisionDevelopmentKey } from "./provision-development-key.js";

describe("provisionDevelopmentKey", () => {
  it("creates a random key on the first start only, storing its hash", async () => {
    const store = createMemoryApiKeyStore();
    const issued = await provisionDevelopmentKey(store, null);
    expect(issued?.key).toMatch(/^nh_[A-Za-z0-9_-]{43}$/);
    expect(await store.findByHash(hashApiKey(issued?.key as string))).toMatchObject({ ...DEVELOPMENT_CALLER, prefix: issued?.key.slice(0, 10) });
    expect(await provisionDevelopmentKey(store, null)).toBeNull();
    expect(await store.list(DEVELOPMENT_CALLER.organizationId)).toHaveLength(1);
  });

  it("provisions the requested key once, and never brings it back after a revoke", async () => {
    const store = createMemoryApiKeyStore();
    const requested = "nh_requested_development_key_0123";
    const issued = await provisionDevelopmentKey(store, requested);
    expect(issued?.key).toBe(requested);
    expect(await provisionDevelopmentKey(store, requested)).toBeNull();
    await store.revoke(DEVELOPMENT_CALLER.organizationId, issued?.record.id as string);
    expect(await provisionDevelopmentKey(store, requested)).toBeNull();
    expect((await store.findByHash(hashApiKey(requested)))?.revokedAt).toBeInstanceOf(Date);
  });

  it("provisions the requested key once when two hosts start at the same moment", async () => {
    const store = createMemoryApiKeyStore();
    const requested = "nh_requested_development_key_0123";
    const answers = await Promise.all([provisionDevelopmentKey(store, requested), provisionDevelopmentKey(store, requested)]);
    expect(answers.filter((issued) => issued !== null).map((issued) => issued?.key)).toEqual([requested]);
    expect(await store.list(DEVELOPMENT_CALLER.organizationId)).toHaveLength(1);
  });

  it("creates a new random key when every development key was revoked", async () => {
    const store = createMemoryApiKeyStore();
    const first = await provisionDevelopmentKey(store, null);
    await store.revoke(DEVELOPMENT_CALLER.organizationId, first?.record.id as string);
    const second = await provisionDevelopmentKey(store, null);
    expect(second?.key).not.toBe(first?.key);
  });
});

describe("createMemoryApiKeyStore", () => {
  it("keeps organizations apart when listing and revoking", async () => {
    const store = createMemoryApiKeyStore();
    const record = await store.create({ id: "k1", organizationId: "org_a", userId: "u", name: "a", prefix: "nh_abc", scopes: ["runs:read"], keyHash: "hash-a" });
    expect(await store.list("org_b")).toEqual([]);
    expect(await store.revoke("org_b", record.id)).toBe(false);
    expect((await store.findByHash("hash-a"))?.revokedAt).toBeNull();
    expect(await store.revoke("org_a", record.id)).toBe(true);
    expect((await store.list("org_a"))[0]?.revokedAt).toBeInstanceOf(Date);
  });
});
