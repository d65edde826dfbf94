import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { ConfigurationError, StoreUnavailableError } from "@neonhub/core";
import { CredentialsUnreadableError } from "./credentials-unreadable-error.js";

const LEGACY_FORMAT_VERSION = 1;
const FORMAT_VERSION = 2;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

/** The keys credentials are sealed with: new values with `current`, old ones read with any of them. */
export interface CredentialKeyring {
  /** 32 bytes as 64 hex characters or base64. */
  current: string;
  /** Keys that sealed values still stored, during a rotation. */
  previous?: readonly string[];
}

/**
 * AES-256-GCM for credentials at rest; the row's organization and connector are bound in as associated data. Each
 * sealed value starts with the id of its key (`<key id>:<base64>`), so a rotation knows what is left to re-encrypt.
 */
export interface CredentialCipher {
  /** Id of the key new values are sealed with. */
  readonly currentKeyId: string;
  encrypt(plain: Record<string, string>, organizationId: string, connector: string): string;
  /**
   * Opens a sealed value. Throws {@link CredentialsUnreadableError} when no configured key opens it, and a plain
   * `STORE_UNAVAILABLE` error when it is not a sealed value of a known format.
   */
  decrypt(sealed: string, organizationId: string, connector: string): Record<string, string>;
  /** Id of the key that sealed the value; null for values sealed before key ids existed. */
  keyIdOf(sealed: string): string | null;
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

/** The id of a key: 16 hex digits of a SHA-256 of the key, the same on every host that has the key. */
export function encryptionKeyId(encodedKey: string): string {
  return createHash("sha256").update("neonhub-credentials-key\u0000").update(parseEncryptionKey(encodedKey)).digest("hex").slice(0, 16);
}

/**
 * Creates the cipher of credentials at rest from one key or a keyring.
 * @example
 * const cipher = createCredentialCipher({ current: process.env.NEONHUB_CREDENTIALS_KEY, previous: [oldKey] });
 */
export function createCredentialCipher(keys: string | CredentialKeyring): CredentialCipher {
  const keyring = typeof keys === "string" ? { current: keys } : keys;
  const current = parseEncryptionKey(keyring.current);
  const currentKeyId = encryptionKeyId(keyring.current);
  const byId = new Map<string, Buffer>([[currentKeyId, current]]);
  for (const encoded of keyring.previous ?? []) byId.set(encryptionKeyId(encoded), parseEncryptionKey(encoded));
  const associatedData = (organizationId: string, connector: string) => Buffer.from(`${organizationId}\u0000${connector}`, "utf8");

  const open = (key: Buffer, bytes: Buffer, organizationId: string, connector: string): Record<string, string> => {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(associatedData(organizationId, connector));
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8")) as Record<string, string>;
  };

  const keyIdOf = (sealed: string) => {
    const separator = sealed.indexOf(":");
    return separator === -1 ? null : sealed.slice(0, separator);
  };

  return {
    currentKeyId,
    keyIdOf,
    encrypt(plain, organizationId, connector) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      cipher.setAAD(associatedData(organizationId, connector));
      const body = Buffer.concat([cipher.update(JSON.stringify(plain), "utf8"), cipher.final()]);
      return `${currentKeyId}:${Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]).toString("base64")}`;
    },
    decrypt(sealed, organizationId, connector) {
      const keyId = keyIdOf(sealed);
      const bytes = Buffer.from(keyId === null ? sealed : sealed.slice(keyId.length + 1), "base64");
      const expectedVersion = keyId === null ? LEGACY_FORMAT_VERSION : FORMAT_VERSION;
      if (bytes[0] !== expectedVersion || bytes.length < 1 + IV_BYTES + TAG_BYTES || (keyId !== null && !KEY_ID_PATTERN.test(keyId))) {
        throw new StoreUnavailableError(`The stored credentials of "${connector}" have an unknown format.`, { isRetryable: false });
      }
      if (keyId !== null) {
        const key = byId.get(keyId);
        if (key === undefined) throw new CredentialsUnreadableError(connector, "key_not_configured", keyId);
        try {
          return open(key, bytes, organizationId, connector);
        } catch (error) {
          throw new CredentialsUnreadableError(connector, "authentication_failed", keyId, error);
        }
      }
      // The first format named no key: try each configured one.
      let lastError: unknown;
      for (const key of byId.values()) {
        try {
          return open(key, bytes, organizationId, connector);
        } catch (error) {
          lastError = error;
        }
      }
      throw new CredentialsUnreadableError(connector, "authentication_failed", null, lastError);
    },
  };
}
