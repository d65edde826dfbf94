import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "./vitest-api.js";
import { openStoreAroundSuite, type StoreConformanceOptions } from "./store-conformance-options.js";
import type { ApiKeyStore, CreateApiKeyInput } from "../ports/api-key-store.js";

/** Options of {@link runApiKeyStoreConformanceSuite}. */
export type ApiKeyStoreConformanceOptions = StoreConformanceOptions<ApiKeyStore>;

/** A key to create; each call gets a fresh id, hash and organization so tests do not see each other's keys. */
export function sampleApiKeyInput(overrides: Partial<CreateApiKeyInput> = {}): CreateApiKeyInput {
  return {
    id: randomUUID(),
    organizationId: `org-${randomUUID()}`,
    userId: "user-1",
    name: "ci",
    prefix: "nh_1234567",
    scopes: ["runs:read", "runs:write"],
    keyHash: randomBytes(32).toString("hex"),
    ...overrides,
  };
}

/**
 * The behaviour every {@link ApiKeyStore} adapter must show. Call it at the top level of a vitest file:
 * @example
 * runApiKeyStoreConformanceSuite({ name: "postgres", createStore: async () => database.apiKeyStore });
 */
export function runApiKeyStoreConformanceSuite(options: ApiKeyStoreConformanceOptions): void {
  describe(`ApiKeyStore conformance: ${options.name}`, () => {
    let store!: ApiKeyStore;
    openStoreAroundSuite(options, (opened) => (store = opened));

    it("declares the port version", () => {
      expect(store.specificationVersion).toBe("v1");
    });

    it("finds a key by its hash, never returns the hash, and answers null for an unknown one", async () => {
      const input = sampleApiKeyInput();
      const created = await store.create(input);
      expect(created).toMatchObject({ id: input.id, organizationId: input.organizationId, userId: "user-1", name: "ci", prefix: "nh_1234567", scopes: ["runs:read", "runs:write"], revokedAt: null, expiresAt: null });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(created).not.toHaveProperty("keyHash");
      expect(await store.findByHash(input.keyHash)).toEqual(created);
      expect(await store.findByHash(randomBytes(32).toString("hex"))).toBeNull();
    });

    it("keeps a key's expiry to the millisecond, and still returns the key once it has passed", async () => {
      const future = sampleApiKeyInput({ expiresAt: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)) });
      expect((await store.create(future)).expiresAt).toEqual(future.expiresAt);
      expect((await store.findByHash(future.keyHash))?.expiresAt).toEqual(future.expiresAt);
      // The store does not judge: the caller compares the expiry with its own clock, as it reads revokedAt.
      const past = sampleApiKeyInput({ expiresAt: new Date(Date.UTC(2020, 0, 1, 12, 0, 0, 1)) });
      await store.create(past);
      expect((await store.findByHash(past.keyHash))?.expiresAt).toEqual(past.expiresAt);
      const never = sampleApiKeyInput({ expiresAt: null });
      expect((await store.create(never)).expiresAt).toBeNull();
    });

    it("revokes a key of its own organization only, and counts an already revoked key as revoked", async () => {
      const input = sampleApiKeyInput({ expiresAt: new Date(Date.UTC(2030, 0, 1)) });
      const created = await store.create(input);
      expect(await store.revoke(`org-${randomUUID()}`, created.id)).toBe(false);
      expect(await store.revoke(input.organizationId, randomUUID())).toBe(false);
      expect(await store.revoke(input.organizationId, created.id)).toBe(true);
      const revoked = await store.findByHash(input.keyHash);
      expect(revoked?.revokedAt).toBeInstanceOf(Date);
      expect(revoked?.expiresAt).toEqual(input.expiresAt);
      expect(await store.revoke(input.organizationId, created.id)).toBe(true);
      expect((await store.findByHash(input.keyHash))?.revokedAt).toEqual(revoked?.revokedAt);
    });

    it("lists an organization's keys with their expiry, revoked and expired ones included", async () => {
      const organizationId = `org-${randomUUID()}`;
      const expiring = sampleApiKeyInput({ organizationId, expiresAt: new Date(Date.UTC(2020, 0, 1)) });
      const lasting = sampleApiKeyInput({ organizationId });
      await store.create(expiring);
      await store.create(lasting);
      await store.create(sampleApiKeyInput());
      await store.revoke(organizationId, lasting.id);
      const listed = await store.list(organizationId);
      expect(listed.map((record) => record.id).sort()).toEqual([expiring.id, lasting.id].sort());
      expect(listed.find((record) => record.id === expiring.id)?.expiresAt).toEqual(expiring.expiresAt);
      expect(listed.find((record) => record.id === lasting.id)).toMatchObject({ expiresAt: null, revokedAt: expect.any(Date) });
      expect(await store.list(`org-${randomUUID()}`)).toEqual([]);
    });
  });
}
