import { ConfigurationError, type ApiKeyStore } from "@neonhub/core";
import { createManualClock } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { hashApiKey, isApiKeyActive } from "./api-key.js";
import { createCachedApiKeyStore } from "./cached-api-key-store.js";
import { issueApiKey } from "./issue-api-key.js";
import { createMemoryApiKeyStore } from "./memory-api-key-store.js";

const TTL_MS = 10_000;

/** A memory store standing in for the database, counting lookups; when asked, lookups read, then wait for release. */
function backingStore() {
  const store = createMemoryApiKeyStore();
  const counts = { lookups: 0 };
  let holding: Array<() => void> | null = null;
  const counted: ApiKeyStore = {
    ...store,
    async findByHash(keyHash) {
      counts.lookups += 1;
      const found = await store.findByHash(keyHash);
      if (holding) await new Promise<void>((release) => holding?.push(release));
      return found;
    },
  };
  return {
    store,
    counted,
    counts,
    hold: () => void (holding = []),
    release: () => {
      const waiting = holding ?? [];
      holding = null;
      for (const release of waiting) release();
    },
  };
}

function setUp(maxKeys?: number) {
  const backing = backingStore();
  const time = createManualClock();
  const cache = createCachedApiKeyStore(backing.counted, { ttlMs: TTL_MS, clock: time, ...(maxKeys === undefined ? {} : { maxKeys }) });
  const issue = (name: string) => issueApiKey(backing.store, { organizationId: "org_a", userId: "user_a", name });
  return { ...backing, time, cache, issue };
}

describe("createCachedApiKeyStore", () => {
  it("answers a key it found from memory until its time is up, then asks the store again", async () => {
    const { cache, counts, issue, time } = setUp();
    const { key, record } = await issue("ci");
    expect((await cache.findByHash(hashApiKey(key)))?.id).toBe(record.id);
    await time.advance(TTL_MS - 1);
    expect((await cache.findByHash(hashApiKey(key)))?.id).toBe(record.id);
    expect(counts.lookups).toBe(1);
    await time.advance(1);
    expect((await cache.findByHash(hashApiKey(key)))?.id).toBe(record.id);
    expect(counts.lookups).toBe(2);
  });

  it("sees a key revoked by another process once its time is up, and keeps it revoked", async () => {
    const { cache, store, issue, time, counts } = setUp();
    const { key, record } = await issue("ci");
    await cache.findByHash(hashApiKey(key));
    await store.revoke("org_a", record.id);
    expect((await cache.findByHash(hashApiKey(key)))?.revokedAt).toBeNull();
    await time.advance(TTL_MS);
    expect((await cache.findByHash(hashApiKey(key)))?.revokedAt).toBeInstanceOf(Date);
    expect((await cache.findByHash(hashApiKey(key)))?.revokedAt).toBeInstanceOf(Date);
    expect(counts.lookups).toBe(2);
  });

  it("answers a key with its expiry, compared with the clock at each use: valid at 11:59:59.999, refused at 12:00:00.000 while cached", async () => {
    const noon = Date.UTC(2026, 5, 1, 12);
    const { cache, counts, time, store } = setUp();
    await time.set(noon - 5_000);
    const { key } = await issueApiKey(store, { organizationId: "org_a", userId: "user_a", name: "ci", expiresAt: new Date(noon) }, { clock: time });
    const use = async () => {
      const found = await cache.findByHash(hashApiKey(key));
      return found !== null && isApiKeyActive(found, time.now());
    };
    expect(await use()).toBe(true);
    await time.set(noon - 1);
    expect(await use()).toBe(true);
    await time.set(noon);
    expect(await use()).toBe(false);
    // All from memory: the cache kept its time to live and did not need to drop the key to refuse it.
    expect(counts.lookups).toBe(1);
  });

  it("stops answering a key revoked through it at once", async () => {
    const { cache, issue } = setUp();
    const { key, record } = await issue("ci");
    await cache.findByHash(hashApiKey(key));
    expect(await cache.revoke("org_a", record.id)).toBe(true);
    expect((await cache.findByHash(hashApiKey(key)))?.revokedAt).toBeInstanceOf(Date);
  });

  it("does not keep what a lookup read before a revocation that overtook it", async () => {
    const { cache, issue, hold, release } = setUp();
    const { key, record } = await issue("ci");
    hold();
    const before = cache.findByHash(hashApiKey(key));
    const revoked = cache.revoke("org_a", record.id);
    expect(await revoked).toBe(true);
    // Asked while the first lookup is still out: it must not share that lookup's answer.
    const after = cache.findByHash(hashApiKey(key));
    release();
    // The held lookup read the key before the revocation: its caller gets that answer, but no one after it.
    expect((await before)?.revokedAt).toBeNull();
    expect((await after)?.revokedAt).toBeInstanceOf(Date);
    expect((await cache.findByHash(hashApiKey(key)))?.revokedAt).toBeInstanceOf(Date);
  });

  it("does not remember unknown keys, so a key created elsewhere works at once", async () => {
    const { cache, counts, store } = setUp();
    const key = "nh_created_later_0123456789abcdef";
    expect(await cache.findByHash(hashApiKey(key))).toBeNull();
    await issueApiKey(store, { organizationId: "org_a", userId: "user_a", name: "later", key });
    expect((await cache.findByHash(hashApiKey(key)))?.organizationId).toBe("org_a");
    expect(counts.lookups).toBe(2);
  });

  it("makes one query for concurrent lookups of one key", async () => {
    const { cache, counts, issue, hold, release } = setUp();
    const { key, record } = await issue("ci");
    hold();
    const lookups = Array.from({ length: 16 }, () => cache.findByHash(hashApiKey(key)));
    release();
    expect((await Promise.all(lookups)).map((found) => found?.id)).toEqual(Array(16).fill(record.id));
    expect(counts.lookups).toBe(1);
  });

  it("keeps at most maxKeys keys, forgetting the least recently used", async () => {
    const { cache, counts, issue } = setUp(2);
    const keys = await Promise.all(["one", "two", "three"].map(async (name) => hashApiKey((await issue(name)).key)));
    for (const keyHash of keys) await cache.findByHash(keyHash);
    expect(counts.lookups).toBe(3);
    await cache.findByHash(keys[2] as string);
    expect(counts.lookups).toBe(3);
    await cache.findByHash(keys[0] as string);
    expect(counts.lookups).toBe(4);
  });

  it("does not remember a failed lookup", async () => {
    const { store } = backingStore();
    let failing = true;
    const flaky: ApiKeyStore = {
      ...store,
      findByHash: (keyHash) => (failing ? Promise.reject(new Error("database down")) : store.findByHash(keyHash)),
    };
    const cache = createCachedApiKeyStore(flaky, { ttlMs: TTL_MS });
    const { key, record } = await issueApiKey(store, { organizationId: "org_a", userId: "user_a", name: "ci" });
    await expect(cache.findByHash(hashApiKey(key))).rejects.toThrow("database down");
    failing = false;
    expect((await cache.findByHash(hashApiKey(key)))?.id).toBe(record.id);
  });

  it("hands out frozen records, so no caller can change what the next one reads", async () => {
    const { cache, issue } = setUp();
    const { key } = await issue("ci");
    const found = await cache.findByHash(hashApiKey(key));
    expect(() => (found as { organizationId: string }).organizationId = "org_b").toThrow(TypeError);
    expect(() => found?.scopes.push("admin")).toThrow(TypeError);
    expect((await cache.findByHash(hashApiKey(key)))?.organizationId).toBe("org_a");
  });

  it("refuses a time to live that is not a positive integer", () => {
    const { counted } = backingStore();
    for (const ttlMs of [0, -1, 1.5, Number.NaN]) {
      expect(() => createCachedApiKeyStore(counted, { ttlMs })).toThrow(ConfigurationError);
    }
  });
});
