import { BoundedMap, ConfigurationError, systemClock, type ApiKeyRecord, type ApiKeyStore, type Clock } from "@neonhub/core";

/** Options of {@link createCachedApiKeyStore}. */
export interface CachedApiKeyStoreOptions {
  /** How long a looked-up key is answered from memory: the longest a key revoked elsewhere keeps working. */
  ttlMs: number;
  /** Keys remembered at most; the least recently used are forgotten beyond it. Default 10,000. */
  maxKeys?: number;
  /** Source of time; the system clock by default. */
  clock?: Pick<Clock, "now">;
}

/** Default {@link CachedApiKeyStoreOptions.ttlMs} of the host: a revoked key stops working within 10 seconds. */
export const DEFAULT_API_KEY_CACHE_TTL_MS = 10_000;

interface CachedKey {
  keyHash: string;
  record: ApiKeyRecord;
  expiresAt: number;
}

const freeze = (record: ApiKeyRecord): ApiKeyRecord => Object.freeze({ ...record, scopes: Object.freeze([...record.scopes]) as string[] });

/**
 * Remembers the keys that `store` found, for `ttlMs`, so that an authenticated request does not cost a database
 * query: on PostgreSQL that query took as much CPU as the rest of the run request. Revoked keys are remembered as
 * revoked; unknown keys are not remembered, so a key created by another process works at once. A key revoked
 * through this store stops working at once here, and within `ttlMs` everywhere else. Concurrent lookups of one
 * key share one query. Records are frozen: callers read them, never change them.
 * @example
 * const apiKeyStore = createCachedApiKeyStore(database.apiKeyStore, { ttlMs: DEFAULT_API_KEY_CACHE_TTL_MS });
 */
export function createCachedApiKeyStore(store: ApiKeyStore, options: CachedApiKeyStoreOptions): ApiKeyStore {
  const { ttlMs, maxKeys = 10_000, clock = systemClock } = options;
  if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new ConfigurationError(`The API key cache's ttlMs must be a positive integer, got ${ttlMs}.`);
  const cached = new BoundedMap<string, CachedKey>(maxKeys);
  // Holds one entry per distinct key being looked up right now, so it is bounded by the requests in flight.
  const pending = new Map<string, Promise<ApiKeyRecord | null>>();
  // Counts revocations, so that a lookup that one overtook does not keep what it read before.
  let revocations = 0;

  const lookUp = (keyHash: string): Promise<ApiKeyRecord | null> => {
    const revocationsBefore = revocations;
    const lookup: Promise<ApiKeyRecord | null> = store
      .findByHash(keyHash)
      .then((found) => {
        if (found === null) return null;
        const record = freeze(found);
        if (revocations === revocationsBefore) cached.set(keyHash, { keyHash, record, expiresAt: clock.now() + ttlMs });
        return record;
      })
      .finally(() => {
        if (pending.get(keyHash) === lookup) pending.delete(keyHash);
      });
    pending.set(keyHash, lookup);
    return lookup;
  };

  return {
    specificationVersion: "v1",
    create: (input) => store.create(input),
    findByHash(keyHash) {
      const hit = cached.get(keyHash);
      if (hit !== undefined && clock.now() < hit.expiresAt) return Promise.resolve(hit.record);
      return pending.get(keyHash) ?? lookUp(keyHash);
    },
    async revoke(organizationId, id) {
      const revoked = await store.revoke(organizationId, id);
      // Lookups still out may have read the key before: later callers start their own, and their answers are dropped.
      revocations += 1;
      pending.clear();
      for (const entry of [...cached.values()]) {
        if (entry.record.id === id && entry.record.organizationId === organizationId) cached.delete(entry.keyHash);
      }
      return revoked;
    },
    list: (organizationId) => store.list(organizationId),
  };
}
