import type { ConnectorAuth, PrismaClient } from "../generated/prisma/client.js";
import type { CredentialCipher } from "./credential-cipher.js";
import { CredentialsUnreadableError, type CredentialsUnreadableReason } from "./credentials-unreadable-error.js";

/** Rows re-encrypted per query during a key rotation. */
const ROTATION_BATCH = 100;
/** Unreadable connections named in a result; the count goes on past them. */
const UNREADABLE_CONNECTIONS_LISTED = 20;

/** A connection a key rotation could not open, left as it was. */
export interface UnreadableConnection {
  organizationId: string;
  connector: string;
  /** The id of the key that sealed it; null for values sealed before key ids existed. */
  keyId: string | null;
  /** `key_not_configured`: its key is not among the configured ones; `authentication_failed`: its key does not open it. */
  reason: CredentialsUnreadableReason;
}

/** The result of {@link PrismaCredentialStore.reencrypt}. */
export interface ReencryptionResult {
  /** Connections now sealed with the current key. */
  reencrypted: number;
  /** Connections changed by another writer meanwhile (already sealed with the current key by that write). */
  skipped: number;
  /** Connections no configured key opens, left on their key: configure that key as a previous one, or delete them. */
  unreadable: number;
  /** The first 20 of them, in id order. */
  unreadableConnections: UnreadableConnection[];
}

/**
 * Re-encrypts with the current key every connection sealed with another one, page by page in id order. Each write is
 * a compare-and-swap on the sealed value, and the version is left alone: a refresh that read the row before still
 * writes its tokens. A row no configured key opens is counted and left as it was; any other error stops the rotation.
 */
export async function reencryptConnections(prisma: PrismaClient, cipher: CredentialCipher): Promise<ReencryptionResult> {
  const result: ReencryptionResult = { reencrypted: 0, skipped: 0, unreadable: 0, unreadableConnections: [] };
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const rows = await prisma.connectorAuth.findMany({
      where: { id: { gt: after }, OR: [{ encryptionKeyId: null }, { encryptionKeyId: { not: cipher.currentKeyId } }] },
      orderBy: { id: "asc" },
      take: ROTATION_BATCH,
    });
    for (const row of rows) {
      let plain: Record<string, string>;
      try {
        plain = cipher.decrypt(row.encryptedCredentials, row.organizationId, row.connector);
      } catch (error) {
        if (!CredentialsUnreadableError.isInstance(error)) throw error;
        result.unreadable += 1;
        if (result.unreadableConnections.length < UNREADABLE_CONNECTIONS_LISTED) {
          result.unreadableConnections.push({ organizationId: row.organizationId, connector: row.connector, keyId: error.keyId, reason: error.reason });
        }
        continue;
      }
      const { count } = await prisma.connectorAuth.updateMany({
        where: { id: row.id, encryptedCredentials: row.encryptedCredentials },
        data: { encryptedCredentials: cipher.encrypt(plain, row.organizationId, row.connector), encryptionKeyId: cipher.currentKeyId },
      });
      if (count === 1) result.reencrypted += 1;
      else result.skipped += 1;
    }
    if (rows.length < ROTATION_BATCH) return result;
    after = (rows.at(-1) as ConnectorAuth).id;
  }
}
