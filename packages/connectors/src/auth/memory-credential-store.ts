import {
  BoundedMap,
  ConfigurationError,
  type ConnectionCredentials,
  type ConnectionInput,
  type CredentialChanges,
  type CredentialStore,
  validateConnectionInput,
  validateConnectionLookup,
  validateConnectionUse,
  validateCredentialChanges,
} from "@neonhub/core";

/** Options of {@link createMemoryCredentialStore}. */
export interface MemoryCredentialStoreOptions {
  /** Connections to start with. */
  connections?: readonly ConnectionInput[];
  /** Most connections kept; the least recently used is dropped beyond it. Default 10,000. */
  maxConnections?: number;
}

interface StoredConnection extends ConnectionCredentials {
  createdAt: Date;
  updatedAt: Date;
}

function copy<T extends ConnectionCredentials>(connection: T): T {
  return {
    ...connection,
    credentials: { ...connection.credentials },
    expiresAt: connection.expiresAt === null ? null : new Date(connection.expiresAt),
    lastUsedAt: connection.lastUsedAt === null ? null : new Date(connection.lastUsedAt),
  };
}

/** Orders connections by connector id as JavaScript compares texts: by UTF-16 code unit, not by locale. */
const byConnector = (left: { connector: string }, right: { connector: string }): number => (left.connector < right.connector ? -1 : left.connector > right.connector ? 1 : 0);

function withoutDates({ createdAt: _created, updatedAt: _updated, ...connection }: StoredConnection): ConnectionCredentials {
  return copy(connection);
}

function applyChanges(current: StoredConnection, changes: CredentialChanges): StoredConnection {
  return copy({
    ...current,
    ...(changes.credentials === undefined ? {} : { credentials: changes.credentials }),
    ...(changes.expiresAt === undefined ? {} : { expiresAt: changes.expiresAt }),
    ...(changes.status === undefined ? {} : { status: changes.status }),
    ...(changes.lastError === undefined ? {} : { lastError: changes.lastError }),
    version: current.version + 1,
    updatedAt: new Date(),
  });
}

/**
 * In-memory {@link CredentialStore} for tests and development, with the same compare-and-swap and exclusive-update
 * semantics as the database adapter within one process. Values are kept in plain text: never use it for real
 * tenants' secrets.
 * @example
 * const credentials = createMemoryCredentialStore({
 *   connections: [{ organizationId: "org_1", connector: "slack", authType: "bearer", credentials: { accessToken: "xoxb-..." }, expiresAt: null }],
 * });
 */
export function createMemoryCredentialStore(options: MemoryCredentialStoreOptions = {}): CredentialStore {
  const maxConnections = options.maxConnections ?? 10_000;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new ConfigurationError(`maxConnections must be a positive integer, got ${String(maxConnections)}.`);
  const connections = new BoundedMap<string, StoredConnection>(maxConnections);
  // The tail of each connection's queue of exclusive updates; an entry is removed when its queue drains.
  const exclusiveTails = new BoundedMap<string, Promise<unknown>>(maxConnections);
  const keyOf = (organizationId: string, connector: string) => `${organizationId}\u0000${connector}`;

  const store: CredentialStore = {
    specificationVersion: "v1",
    async get(organizationId, connector) {
      validateConnectionLookup(organizationId, connector);
      const found = connections.get(keyOf(organizationId, connector));
      return found === undefined ? null : withoutDates(found);
    },
    async list(organizationId) {
      validateConnectionLookup(organizationId);
      return [...connections.values()]
        .filter((connection) => connection.organizationId === organizationId)
        .sort((left, right) => byConnector(left, right))
        .map(({ credentials: _credentials, ...summary }) => ({
          ...summary,
          expiresAt: summary.expiresAt === null ? null : new Date(summary.expiresAt),
          lastUsedAt: summary.lastUsedAt === null ? null : new Date(summary.lastUsedAt),
          createdAt: new Date(summary.createdAt),
          updatedAt: new Date(summary.updatedAt),
        }));
    },
    async put(input) {
      validateConnectionInput(input);
      const key = keyOf(input.organizationId, input.connector);
      const previous = connections.get(key);
      const now = new Date();
      const stored: StoredConnection = copy({
        ...input,
        expiresAt: input.expiresAt ?? null,
        status: input.status ?? "ACTIVE",
        version: previous === undefined ? 1 : previous.version + 1,
        lastUsedAt: previous?.lastUsedAt ?? null,
        lastError: null,
        createdAt: previous?.createdAt ?? now,
        updatedAt: now,
      });
      connections.set(key, stored);
      return withoutDates(stored);
    },
    async update(organizationId, connector, expectedVersion, changes) {
      validateConnectionLookup(organizationId, connector);
      validateCredentialChanges(changes, expectedVersion);
      const key = keyOf(organizationId, connector);
      const current = connections.get(key);
      if (current === undefined || current.version !== expectedVersion) return null;
      const next = applyChanges(current, changes);
      connections.set(key, next);
      return withoutDates(next);
    },
    async updateExclusively(organizationId, connector, change) {
      validateConnectionLookup(organizationId, connector);
      const key = keyOf(organizationId, connector);
      const previous = exclusiveTails.get(key) ?? Promise.resolve();
      const turn = previous.then(async () => {
        const current = connections.get(key);
        if (current === undefined) return null;
        const changes = await change(withoutDates(current));
        if (changes !== null) validateCredentialChanges(changes);
        const latest = connections.get(key);
        if (latest === undefined) return null;
        if (changes === null) return withoutDates(latest);
        const next = applyChanges(latest, changes);
        connections.set(key, next);
        return withoutDates(next);
      });
      const tail = turn.catch(() => undefined);
      exclusiveTails.set(key, tail);
      void tail.then(() => {
        if (exclusiveTails.get(key) === tail) exclusiveTails.delete(key);
      });
      return turn;
    },
    async recordUse(organizationId, connector, use) {
      validateConnectionLookup(organizationId, connector);
      validateConnectionUse(use);
      const current = connections.get(keyOf(organizationId, connector));
      if (current === undefined) return;
      current.lastUsedAt = new Date(use.at);
      current.lastError = use.error;
    },
    async delete(organizationId, connector) {
      validateConnectionLookup(organizationId, connector);
      return connections.delete(keyOf(organizationId, connector));
    },
  };
  for (const connection of options.connections ?? []) {
    // Checked here, so that a refused connection fails the creation instead of rejecting a put nobody awaits.
    validateConnectionInput(connection);
    void store.put(connection);
  }
  return store;
}
