import {
  type ConnectionAuthType,
  type ConnectionCredentials,
  type ConnectionSummary,
  type CredentialChanges,
  type CredentialStore,
  validateConnectionInput,
  validateConnectionLookup,
  validateConnectionUse,
  validateCredentialChanges,
} from "@neonhub/core";
import type { ConnectorAuth, ConnectorAuthType, PrismaClient } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";
import { claimConnection, releaseClaim } from "./claim-connection.js";
import { type CredentialCipher, type CredentialKeyring, createCredentialCipher } from "./credential-cipher.js";
import { type ReencryptionResult, reencryptConnections } from "./reencrypt-connections.js";

const AUTH_TYPES: Record<ConnectionAuthType, ConnectorAuthType> = { none: "NONE", api_key: "API_KEY", bearer: "BEARER", basic: "BASIC", oauth2: "OAUTH2" };
const AUTH_TYPE_NAMES = Object.fromEntries(Object.entries(AUTH_TYPES).map(([name, value]) => [value, name])) as Record<ConnectorAuthType, ConnectionAuthType>;

/** A {@link CredentialStore} on PostgreSQL, with the counts and the key rotation that operators need. */
export interface PrismaCredentialStore extends CredentialStore {
  /** Id of the key new credentials are sealed with. */
  readonly currentKeyId: string;
  /** Connections by connector and status, across organizations (for the `connections` gauge). */
  countByStatus(): Promise<Array<{ connector: string; status: string; count: number }>>;
  /** Connections not sealed with the current key yet. */
  countStale(): Promise<number>;
  /**
   * Re-encrypts every connection sealed with another key than the current one, batch by batch, each row with a
   * compare-and-swap on its sealed value so that it can run while hosts keep serving and refreshing. A connection no
   * configured key opens (its key is not configured, or does not authenticate it) is left as it was and counted in
   * `unreadable`, the first of them named in `unreadableConnections`; the rotation goes on past it. A database error
   * rejects the call.
   * @example
   * const result = await credentials.reencrypt();
   * for (const { organizationId, connector, keyId } of result.unreadableConnections) console.warn(organizationId, connector, keyId);
   */
  reencrypt(): Promise<ReencryptionResult>;
}

/**
 * A {@link CredentialStore} on `ConnectorAuth` rows, with credentials sealed by AES-256-GCM under a keyring. An
 * exclusive update claims the row (`refreshClaimId`, with an expiry) in one statement, calls `change` with no
 * transaction open, then writes and releases the claim in one compare-and-set on it, so that hosts sharing the
 * database refresh a token once without holding a database connection during the provider's HTTP call.
 */
export function createPrismaCredentialStore(prisma: PrismaClient, keys: string | CredentialKeyring): PrismaCredentialStore {
  const cipher: CredentialCipher = createCredentialCipher(keys);
  const toSummary = (row: ConnectorAuth): ConnectionSummary => ({
    organizationId: row.organizationId,
    connector: row.connector,
    authType: AUTH_TYPE_NAMES[row.authType],
    expiresAt: row.expiresAt,
    status: row.status,
    version: row.version,
    lastUsedAt: row.lastUsedAt,
    lastError: row.lastError,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
  const toConnection = (row: ConnectorAuth): ConnectionCredentials => {
    const { createdAt: _created, updatedAt: _updated, ...summary } = toSummary(row);
    return { ...summary, credentials: cipher.decrypt(row.encryptedCredentials, row.organizationId, row.connector) };
  };
  const key = (organizationId: string, connector: string) => ({ organizationId_connector: { organizationId, connector } });
  const sealed = (credentials: Record<string, string>, organizationId: string, connector: string) => ({
    encryptedCredentials: cipher.encrypt(credentials, organizationId, connector),
    encryptionKeyId: cipher.currentKeyId,
  });
  const changedFields = (organizationId: string, connector: string, changes: CredentialChanges) => ({
    version: { increment: 1 },
    ...(changes.credentials === undefined ? {} : sealed(changes.credentials, organizationId, connector)),
    ...(changes.expiresAt === undefined ? {} : { expiresAt: changes.expiresAt }),
    ...(changes.status === undefined ? {} : { status: changes.status }),
    ...(changes.lastError === undefined ? {} : { lastError: changes.lastError }),
  });

  return {
    specificationVersion: "v1",
    currentKeyId: cipher.currentKeyId,
    get: (organizationId, connector) =>
      guarded("read the connection", async () => {
        validateConnectionLookup(organizationId, connector);
        const row = await prisma.connectorAuth.findUnique({ where: key(organizationId, connector) });
        return row ? toConnection(row) : null;
      }),
    list: (organizationId) =>
      guarded("list the connections", async () => {
        validateConnectionLookup(organizationId);
        const rows = await prisma.connectorAuth.findMany({ where: { organizationId } });
        // Sorted here, not by the database, whose collation may order texts by locale.
        return rows.sort((left, right) => (left.connector < right.connector ? -1 : left.connector > right.connector ? 1 : 0)).map(toSummary);
      }),
    put: (input) =>
      guarded("store the connection", async () => {
        validateConnectionInput(input);
        const fields = {
          authType: AUTH_TYPES[input.authType],
          ...sealed(input.credentials, input.organizationId, input.connector),
          // Left out, it would keep a replaced connection's expiry.
          expiresAt: input.expiresAt ?? null,
          status: input.status ?? "ACTIVE",
          lastError: null,
        };
        const row = await prisma.connectorAuth.upsert({
          where: key(input.organizationId, input.connector),
          create: { organizationId: input.organizationId, connector: input.connector, ...fields, version: 1 },
          update: { ...fields, version: { increment: 1 } },
        });
        return toConnection(row);
      }),
    update: (organizationId, connector, expectedVersion, changes) =>
      guarded("update the connection", async () => {
        validateConnectionLookup(organizationId, connector);
        validateCredentialChanges(changes, expectedVersion);
        // Compare-and-swap: the version check and the write are one statement.
        const [row] = await prisma.connectorAuth.updateManyAndReturn({
          where: { organizationId, connector, version: expectedVersion },
          data: changedFields(organizationId, connector, changes),
        });
        return row ? toConnection(row) : null;
      }),
    async updateExclusively(organizationId, connector, change) {
      validateConnectionLookup(organizationId, connector);
      const claim = await guarded("claim the connection", () => claimConnection(prisma, organizationId, connector));
      if (claim === null) return null;
      // Every write of the claim holder is guarded by its claim: once the claim lapsed and another caller took it
      // over, this caller writes nothing and returns the connection as stored.
      const held = { organizationId, connector, refreshClaimId: claim.id };
      const released = { refreshClaimId: null, refreshClaimedUntil: null };
      let changes: CredentialChanges | null;
      try {
        // No transaction is open here: the provider's HTTP call holds no database connection.
        changes = await change(toConnection(claim.row));
        // Checked before the write, which would fail with the claim still held until it lapses.
        if (changes !== null) validateCredentialChanges(changes);
      } catch (error) {
        // An error of `change`, or its refused changes, leaves as it was thrown; the claim is released for the next caller.
        await releaseClaim(prisma, organizationId, connector, claim.id).catch(() => undefined);
        throw error;
      }
      return guarded("update the connection exclusively", async () => {
        if (changes !== null) {
          const [written] = await prisma.connectorAuth.updateManyAndReturn({ where: held, data: { ...changedFields(organizationId, connector, changes), ...released } });
          if (written !== undefined) return toConnection(written);
        } else {
          await releaseClaim(prisma, organizationId, connector, claim.id);
        }
        const stored = await prisma.connectorAuth.findUnique({ where: key(organizationId, connector) });
        return stored ? toConnection(stored) : null;
      });
    },
    recordUse: (organizationId, connector, use) =>
      guarded("record the use of the connection", async () => {
        validateConnectionLookup(organizationId, connector);
        validateConnectionUse(use);
        // A statement of its own, so that `updatedAt` stays when the connection last changed, not when it was used.
        await prisma.$executeRaw`UPDATE "ConnectorAuth" SET "lastUsedAt" = ${use.at}, "lastError" = ${use.error} WHERE "organizationId" = ${organizationId} AND "connector" = ${connector}`;
      }),
    delete: (organizationId, connector) =>
      guarded("delete the connection", async () => {
        validateConnectionLookup(organizationId, connector);
        const { count } = await prisma.connectorAuth.deleteMany({ where: { organizationId, connector } });
        return count > 0;
      }),
    countByStatus: () =>
      guarded("count the connections", async () =>
        (await prisma.connectorAuth.groupBy({ by: ["connector", "status"], _count: { _all: true } })).map((group) => ({
          connector: group.connector,
          status: group.status,
          count: group._count._all,
        })),
      ),
    countStale: () =>
      guarded("count the connections to re-encrypt", () =>
        prisma.connectorAuth.count({ where: { OR: [{ encryptionKeyId: null }, { encryptionKeyId: { not: cipher.currentKeyId } }] } }),
      ),
    reencrypt: () => guarded("re-encrypt the connections", () => reencryptConnections(prisma, cipher)),
  };
}
