import { randomBytes, randomUUID } from "node:crypto";
import { callOutcome, HOSTILE_TEXTS } from "./call-outcome.js";
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

    it("refuses a second key with the same hash or the same id, in any organization, with ALREADY_EXISTS naming them, and keeps the first", async () => {
      const first = sampleApiKeyInput();
      const created = await store.create(first);
      const sameHash = sampleApiKeyInput({ keyHash: first.keyHash });
      const sameId = sampleApiKeyInput({ id: first.id });
      const answers = {
        "same hash": await callOutcome(() => store.create(sameHash)),
        "same hash, same organization": await callOutcome(() => store.create(sampleApiKeyInput({ organizationId: first.organizationId, keyHash: first.keyHash }))),
        "same id": await callOutcome(() => store.create(sameId)),
        "same id, same organization": await callOutcome(() => store.create(sampleApiKeyInput({ organizationId: first.organizationId, id: first.id }))),
        "the same key again": await callOutcome(() => store.create({ ...first, name: "again" })),
      };
      expect(answers).toEqual({
        "same hash": "already exists keyHash",
        "same hash, same organization": "already exists keyHash",
        "same id": "already exists id",
        "same id, same organization": "already exists id",
        "the same key again": "already exists id, keyHash",
      });
      expect(await store.findByHash(first.keyHash)).toEqual(created);
      expect(await store.findByHash(sameId.keyHash)).toBeNull();
      expect(await store.list(first.organizationId)).toEqual([created]);
      expect(await store.list(sameHash.organizationId)).toEqual([]);
      expect(await store.list(sameId.organizationId)).toEqual([]);
    });

    it("stores one of two keys created at once with the same hash, and refuses the other with ALREADY_EXISTS", async () => {
      const keyHash = randomBytes(32).toString("hex");
      const inputs = [sampleApiKeyInput({ keyHash }), sampleApiKeyInput({ keyHash })];
      const answers = await Promise.all(inputs.map((input) => callOutcome(() => store.create(input))));
      expect([...answers].sort()).toEqual(["already exists keyHash", "answered"]);
      const stored = inputs[answers.indexOf("answered")]!;
      expect(await store.findByHash(keyHash)).toMatchObject({ id: stored.id, organizationId: stored.organizationId });
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

    it("lists an organization's keys newest first, keys created in the same millisecond by id, descending", async () => {
      const organizationId = `org-${randomUUID()}`;
      const oldest = await store.create(sampleApiKeyInput({ organizationId }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const others = [];
      for (let index = 0; index < 4; index += 1) others.push(await store.create(sampleApiKeyInput({ organizationId })));
      const newestFirst = [...others].sort((left, right) => right.createdAt.getTime() - left.createdAt.getTime() || (left.id < right.id ? 1 : left.id > right.id ? -1 : 0));
      expect((await store.list(organizationId)).map((record) => record.id)).toEqual([...newestFirst, oldest].map((record) => record.id));
    });

    it("refuses a key with a NUL character or an unpaired surrogate in any text, rather than keeping it changed, and writes nothing", async () => {
      // PostgreSQL refuses NUL in a text column, and would keep an unpaired surrogate changed into U+FFFD.
      const answers: Array<[string, string]> = [];
      const expected: Array<[string, string]> = [];
      const refusedHashes: string[] = [];
      for (const [kind, text] of HOSTILE_TEXTS) {
        for (const field of ["id", "organizationId", "userId", "name", "prefix", "keyHash", "scopes"] as const) {
          const input = sampleApiKeyInput(field === "scopes" ? { scopes: ["runs:read", `runs:${text}`] } : { [field]: `${sampleApiKeyInput()[field]}${text}` });
          answers.push([`${field} ${kind}`, await callOutcome(() => store.create(input))]);
          expected.push([`${field} ${kind}`, `refused ${field === "scopes" ? "scopes.1" : field}`]);
          if (field !== "keyHash") refusedHashes.push(input.keyHash);
        }
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(expected));
      for (const keyHash of refusedHashes) expect(await store.findByHash(keyHash)).toBeNull();
    });

    it("refuses a lookup given a NUL character or an unpaired surrogate, rather than answering what matched, and revokes nothing", async () => {
      // PostgreSQL refuses a query holding NUL, and would compare an unpaired surrogate changed into U+FFFD: the keys of
      // an organization whose id holds U+FFFD would match. No kept text holds either, so every store refuses both.
      const input = sampleApiKeyInput({ organizationId: `org-${randomUUID()}-\uFFFD`, id: `${randomUUID()}-\uFFFD`, keyHash: `${randomBytes(32).toString("hex")}\uFFFD` });
      const created = await store.create(input);
      const answers: Array<[string, string]> = [];
      const expected: Array<[string, string]> = [];
      for (const [kind, text] of HOSTILE_TEXTS) {
        const replaced = (value: string) => value.replace("\uFFFD", text);
        const calls: Array<[string, string, () => Promise<unknown>]> = [
          ["findByHash", "keyHash", () => store.findByHash(replaced(input.keyHash))],
          ["revoke(organizationId)", "organizationId", () => store.revoke(replaced(input.organizationId), input.id)],
          ["revoke(id)", "id", () => store.revoke(input.organizationId, replaced(input.id))],
          ["list", "organizationId", () => store.list(replaced(input.organizationId))],
        ];
        for (const [name, field, call] of calls) {
          answers.push([`${name} ${kind}`, await callOutcome(call)]);
          expected.push([`${name} ${kind}`, `refused ${field}`]);
        }
      }
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(expected));
      expect(await store.findByHash(input.keyHash)).toEqual(created);
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
