import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ConfigurationError, StoreUnavailableError } from "@neonhub/core";

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM for credentials at rest; the row's organization and connector are bound in as associated data. */
export interface CredentialCipher {
  encrypt(plain: Record<string, string>, organizationId: string, connector: string): string;
  decrypt(sealed: string, organizationId: string, connector: string): Record<string, string>;
}

/** Reads a 32-byte key given as 64 hex characters or as base64. */
export function parseEncryptionKey(encoded: unknown): Buffer {
  if (typeof encoded === "string") {
    const trimmed = encoded.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, "base64") : undefined;
    if (key?.length === 32) return key;
  }
  throw new ConfigurationError(
    "encryptionKey must be 32 random bytes, encoded as 64 hex characters or as base64 (for example `openssl rand -base64 32`).",
  );
}

export function createCredentialCipher(encodedKey: string): CredentialCipher {
  const key = parseEncryptionKey(encodedKey);
  const associatedData = (organizationId: string, connector: string) => Buffer.from(`${organizationId}\u0000${connector}`, "utf8");
  return {
    encrypt(plain, organizationId, connector) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(associatedData(organizationId, connector));
      const body = Buffer.concat([cipher.update(JSON.stringify(plain), "utf8"), cipher.final()]);
      return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]).toString("base64");
    },
    decrypt(sealed, organizationId, connector) {
      const bytes = Buffer.from(sealed, "base64");
      if (bytes[0] !== FORMAT_VERSION || bytes.length < 1 + IV_BYTES + TAG_BYTES) {
        throw new StoreUnavailableError(`The stored credentials of "${connector}" have an unknown format.`, { isRetryable: false });
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(1, 1 + IV_BYTES));
        decipher.setAAD(associatedData(organizationId, connector));
        decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
        return JSON.parse(plain) as Record<string, string>;
      } catch (error) {
        throw new StoreUnavailableError(`The stored credentials of "${connector}" could not be decrypted: wrong encryption key or altered data.`, {
          cause: error,
          isRetryable: false,
        });
      }
    },
  };
}
