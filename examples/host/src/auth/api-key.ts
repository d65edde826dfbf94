import { hash, randomBytes } from "node:crypto";
import type { ApiKeyRecord } from "@neonhub/core";

/** Every key starts with this, so that leaked keys are easy to recognise and scan for. */
export const API_KEY_PREFIX = "nh_";

/** Characters of a key kept in listings to tell keys apart; far too few to guess the rest. */
const LISTED_PREFIX_LENGTH = 10;

/** A new random key: 32 bytes from the system's secure generator, base64url. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/**
 * SHA-256 of the key, hex. Keys are random and long, so a fast hash is enough and lookups stay cheap. The one-shot
 * `hash` costs a third of a `createHash` object, and it runs on every authenticated request.
 */
export function hashApiKey(key: string): string {
  return hash("sha256", key, "hex");
}

/** The start of a key as shown in listings. */
export function listedPrefix(key: string): string {
  return key.slice(0, LISTED_PREFIX_LENGTH);
}

/**
 * Whether a key may be used at `now` (ms since the epoch): not revoked, and before its expiry. A key is refused from
 * the very instant of its `expiresAt`. Called on every use, cached or not, so an expiry needs no cache to lapse.
 */
export function isApiKeyActive(record: Pick<ApiKeyRecord, "revokedAt" | "expiresAt">, now: number): boolean {
  return record.revokedAt === null && (record.expiresAt === null || now < record.expiresAt.getTime());
}
