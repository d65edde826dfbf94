import { runApiKeyStoreConformanceSuite, sampleApiKeyInput } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { createMemoryApiKeyStore } from "./memory-api-key-store.js";

runApiKeyStoreConformanceSuite({ name: "memory", createStore: async () => createMemoryApiKeyStore() });

describe("memory API key store", () => {
  it("forgets the id of a key forgotten beyond maxKeys, so that it can be used again", async () => {
    const store = createMemoryApiKeyStore({ maxKeys: 2 });
    const first = sampleApiKeyInput();
    await store.create(first);
    for (let index = 0; index < 2; index += 1) await store.create(sampleApiKeyInput());
    expect(await store.findByHash(first.keyHash)).toBeNull();
    expect(await store.create(sampleApiKeyInput({ id: first.id }))).toMatchObject({ id: first.id });
  });
});
