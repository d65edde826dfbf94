import { BoundedMap, type OAuthStateRecord, type OAuthStateStore } from "@neonhub/core";

/** Options of {@link createMemoryOAuthStateStore}. */
export interface MemoryOAuthStateStoreOptions {
  /** Most pending authorizations kept; the oldest is dropped beyond it. Default 10,000. */
  maxStates?: number;
}

/**
 * In-memory {@link OAuthStateStore} for tests and single-process development. Several host instances need the
 * database adapter: the callback may reach another instance than the one that started the authorization.
 */
export function createMemoryOAuthStateStore(options: MemoryOAuthStateStoreOptions = {}): OAuthStateStore {
  const states = new BoundedMap<string, OAuthStateRecord>(options.maxStates ?? 10_000);
  return {
    specificationVersion: "v1",
    async create(record) {
      states.set(record.state, { ...record, expiresAt: new Date(record.expiresAt) });
    },
    async consume(state) {
      const found = states.get(state);
      if (found === undefined) return null;
      states.delete(state);
      return found;
    },
    async deleteExpired(now) {
      let removed = 0;
      for (const record of [...states.values()]) {
        if (record.expiresAt.getTime() < now.getTime() && states.delete(record.state)) removed += 1;
      }
      return removed;
    },
  };
}
