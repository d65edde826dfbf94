import {
  AlreadyExistsError,
  BoundedMap,
  ConfigurationError,
  type OAuthGrantRecord,
  type OAuthStateRecord,
  type OAuthStateStore,
  validateOAuthGrantRecord,
  validateOAuthLookup,
  validateConsumeExpiredGrants,
  validateOAuthStateRecord,
} from "@neonhub/core";

/** Options of {@link createMemoryOAuthStateStore}. */
export interface MemoryOAuthStateStoreOptions {
  /** Most pending authorizations kept; the oldest is dropped beyond it. Default 10,000. */
  maxStates?: number;
  /**
   * Most grants waiting to be confirmed; the oldest are dropped beyond it. Default 10,000. A dropped grant's tokens
   * are not handed to `consumeExpiredGrants`, so the host cannot revoke them at the provider.
   */
  maxGrants?: number;
}

const copyGrant = (record: OAuthGrantRecord): OAuthGrantRecord => ({
  ...record,
  tokens: { ...record.tokens },
  tokensExpireAt: record.tokensExpireAt === null ? null : new Date(record.tokensExpireAt),
  expiresAt: new Date(record.expiresAt),
});

/** Removes the records of `map` that expired before `now`; returns how many. */
function deleteExpiredOf<Record extends { expiresAt: Date }>(map: BoundedMap<string, Record>, keyOf: (record: Record) => string, now: Date): number {
  let removed = 0;
  for (const record of [...map.values()]) {
    if (record.expiresAt.getTime() < now.getTime() && map.delete(keyOf(record))) removed += 1;
  }
  return removed;
}

/**
 * In-memory {@link OAuthStateStore} for tests and single-process development. Several host instances need the
 * database adapter: the callback may reach another instance than the one that started the authorization.
 */
export function createMemoryOAuthStateStore(options: MemoryOAuthStateStoreOptions = {}): OAuthStateStore {
  for (const [name, value] of Object.entries({ maxStates: options.maxStates, maxGrants: options.maxGrants })) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new ConfigurationError(`${name} must be a positive integer, got ${String(value)}.`);
  }
  const states = new BoundedMap<string, OAuthStateRecord>(options.maxStates ?? 10_000);
  const grants = new BoundedMap<string, OAuthGrantRecord>(options.maxGrants ?? 10_000);
  return {
    specificationVersion: "v1",
    async create(record) {
      validateOAuthStateRecord(record);
      if (states.has(record.state)) throw new AlreadyExistsError("authorization state", ["state"]);
      states.set(record.state, { ...record, expiresAt: new Date(record.expiresAt) });
    },
    async consume(state) {
      validateOAuthLookup({ state });
      const found = states.get(state);
      if (found === undefined) return null;
      states.delete(state);
      return found;
    },
    async createGrant(record) {
      validateOAuthGrantRecord(record);
      if (grants.has(record.grant)) throw new AlreadyExistsError("authorization grant", ["grant"]);
      grants.set(record.grant, copyGrant(record));
    },
    async consumeGrant(grant) {
      validateOAuthLookup({ grant });
      const found = grants.get(grant);
      if (found === undefined) return null;
      grants.delete(grant);
      return found;
    },
    async consumeExpiredGrants(now, limit) {
      validateConsumeExpiredGrants(now, limit);
      const expired = [...grants.values()].filter((record) => record.expiresAt.getTime() < now.getTime());
      const taken = expired.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime()).slice(0, limit);
      for (const record of taken) grants.delete(record.grant);
      return taken.map(({ grant: _grant, ...rest }) => rest);
    },
    async deleteExpired(now) {
      return deleteExpiredOf(states, (record) => record.state, now) + deleteExpiredOf(grants, (record) => record.grant, now);
    },
  };
}
