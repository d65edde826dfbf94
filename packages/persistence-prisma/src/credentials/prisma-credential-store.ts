import type { ConnectionAuthType, ConnectionCredentials, CredentialStore } from "@neonhub/core";
import type { ConnectorAuth, ConnectorAuthType, PrismaClient } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";
import { createCredentialCipher } from "./credential-cipher.js";

const AUTH_TYPES: Record<ConnectionAuthType, ConnectorAuthType> = { none: "NONE", api_key: "API_KEY", bearer: "BEARER", basic: "BASIC", oauth2: "OAUTH2" };
const AUTH_TYPE_NAMES = Object.fromEntries(Object.entries(AUTH_TYPES).map(([name, value]) => [value, name])) as Record<ConnectorAuthType, ConnectionAuthType>;

/** A {@link CredentialStore} on `ConnectorAuth` rows, with credentials sealed by AES-256-GCM. */
export function createPrismaCredentialStore(prisma: PrismaClient, encryptionKey: string): CredentialStore {
  const cipher = createCredentialCipher(encryptionKey);
  const toConnection = (row: ConnectorAuth): ConnectionCredentials => ({
    organizationId: row.organizationId,
    connector: row.connector,
    authType: AUTH_TYPE_NAMES[row.authType],
    credentials: cipher.decrypt(row.encryptedCredentials, row.organizationId, row.connector),
    expiresAt: row.expiresAt,
    status: row.status,
    version: row.version,
  });
  const key = (organizationId: string, connector: string) => ({ organizationId_connector: { organizationId, connector } });

  return {
    specificationVersion: "v1",
    get: (organizationId, connector) =>
      guarded("read the connection", async () => {
        const row = await prisma.connectorAuth.findUnique({ where: key(organizationId, connector) });
        return row ? toConnection(row) : null;
      }),
    put: (input) =>
      guarded("store the connection", async () => {
        const fields = {
          authType: AUTH_TYPES[input.authType],
          encryptedCredentials: cipher.encrypt(input.credentials, input.organizationId, input.connector),
          expiresAt: input.expiresAt,
          status: input.status ?? "ACTIVE",
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
        // Compare-and-swap: the version check and the write are one statement.
        const [row] = await prisma.connectorAuth.updateManyAndReturn({
          where: { organizationId, connector, version: expectedVersion },
          data: {
            version: { increment: 1 },
            ...(changes.credentials === undefined ? {} : { encryptedCredentials: cipher.encrypt(changes.credentials, organizationId, connector) }),
            ...(changes.expiresAt === undefined ? {} : { expiresAt: changes.expiresAt }),
            ...(changes.status === undefined ? {} : { status: changes.status }),
          },
        });
        return row ? toConnection(row) : null;
      }),
    delete: (organizationId, connector) =>
      guarded("delete the connection", async () => {
        const { count } = await prisma.connectorAuth.deleteMany({ where: { organizationId, connector } });
        return count > 0;
      }),
  };
}
