import { AlreadyExistsError, BoundedMap, type ApiKeyRecord, type ApiKeyStore, validateApiKeyInput, validateApiKeyLookup } from "@neonhub/core";

/** Options of {@link createMemoryApiKeyStore}. */
export interface MemoryApiKeyStoreOptions {
  /** Keys kept at most; the least recently used are forgotten beyond it. Default 10,000. */
  maxKeys?: number;
}

interface StoredKey {
  record: ApiKeyRecord;
}

/** An {@link ApiKeyStore} in memory, for tests and benchmarks. */
export function createMemoryApiKeyStore(options: MemoryApiKeyStoreOptions = {}): ApiKeyStore {
  // The id of every key kept, so that a second key with one is refused as the database's primary key refuses it.
  const ids = new Set<string>();
  const byHash = new BoundedMap<string, StoredKey>(options.maxKeys ?? 10_000, (_keyHash, stored) => ids.delete(stored.record.id));
  const copy = (record: ApiKeyRecord): ApiKeyRecord => ({ ...record, scopes: [...record.scopes] });

  return {
    specificationVersion: "v1",
    async create(input) {
      validateApiKeyInput(input);
      const { keyHash, expiresAt, ...fields } = input;
      const taken = [...(ids.has(input.id) ? ["id"] : []), ...(byHash.has(keyHash) ? ["keyHash"] : [])];
      if (taken.length > 0) throw new AlreadyExistsError("API key", taken);
      const record: ApiKeyRecord = { ...fields, scopes: [...fields.scopes], createdAt: new Date(), revokedAt: null, expiresAt: expiresAt ?? null };
      byHash.set(keyHash, { record });
      ids.add(record.id);
      return copy(record);
    },
    async findByHash(keyHash) {
      validateApiKeyLookup({ keyHash });
      const stored = byHash.get(keyHash);
      return stored ? copy(stored.record) : null;
    },
    async revoke(organizationId, id) {
      validateApiKeyLookup({ organizationId, id });
      for (const stored of byHash.values()) {
        if (stored.record.id !== id || stored.record.organizationId !== organizationId) continue;
        if (stored.record.revokedAt === null) stored.record.revokedAt = new Date();
        return true;
      }
      return false;
    },
    async list(organizationId) {
      validateApiKeyLookup({ organizationId });
      return [...byHash.values()]
        .map((stored) => stored.record)
        .filter((record) => record.organizationId === organizationId)
        // Newest first, as the port says and the database orders them.
        .sort((left, right) => right.createdAt.getTime() - left.createdAt.getTime() || (left.id < right.id ? 1 : left.id > right.id ? -1 : 0))
        .map(copy);
    },
  };
}
