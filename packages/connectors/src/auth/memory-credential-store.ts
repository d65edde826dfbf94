import { BoundedMap, type ConnectionCredentials, type CredentialChanges, type CredentialStore } from "@neonhub/core";

/** Options of {@link createMemoryCredentialStore}. */
export interface MemoryCredentialStoreOptions {
  /** Connections to start with. */
  connections?: ReadonlyArray<Omit<ConnectionCredentials, "version" | "status"> & { status?: ConnectionCredentials["status"] }>;
  /** Most connections kept; the least recently used is dropped beyond it. Default 10,000. */
  maxConnections?: number;
}

function copy(connection: ConnectionCredentials): ConnectionCredentials {
  return { ...connection, credentials: { ...connection.credentials }, expiresAt: connection.expiresAt === null ? null : new Date(connection.expiresAt) };
}

/**
 * In-memory {@link CredentialStore} for tests and development, with the same compare-and-swap semantics as the
 * database adapter. Values are kept in plain text: never use it for real tenants' secrets.
 * @example
 * const credentials = createMemoryCredentialStore({
 *   connections: [{ organizationId: "org_1", connector: "slack", authType: "bearer", credentials: { accessToken: "xoxb-..." }, expiresAt: null }],
 * });
 */
export function createMemoryCredentialStore(options: MemoryCredentialStoreOptions = {}): CredentialStore {
  const connections = new BoundedMap<string, ConnectionCredentials>(options.maxConnections ?? 10_000);
  const keyOf = (organizationId: string, connector: string) => `${organizationId}\u0000${connector}`;

  const store: CredentialStore = {
    specificationVersion: "v1",
    async get(organizationId, connector) {
      const found = connections.get(keyOf(organizationId, connector));
      return found === undefined ? null : copy(found);
    },
    async put(input) {
      const key = keyOf(input.organizationId, input.connector);
      const previous = connections.get(key);
      const stored: ConnectionCredentials = copy({ ...input, status: input.status ?? "ACTIVE", version: previous === undefined ? 1 : previous.version + 1 });
      connections.set(key, stored);
      return copy(stored);
    },
    async update(organizationId, connector, expectedVersion, changes: CredentialChanges) {
      const key = keyOf(organizationId, connector);
      const current = connections.get(key);
      if (current === undefined || current.version !== expectedVersion) return null;
      const next = copy({
        ...current,
        ...(changes.credentials === undefined ? {} : { credentials: changes.credentials }),
        ...(changes.expiresAt === undefined ? {} : { expiresAt: changes.expiresAt }),
        ...(changes.status === undefined ? {} : { status: changes.status }),
        version: current.version + 1,
      });
      connections.set(key, next);
      return copy(next);
    },
    async delete(organizationId, connector) {
      return connections.delete(keyOf(organizationId, connector));
    },
  };
  for (const connection of options.connections ?? []) void store.put(connection);
  return store;
}
