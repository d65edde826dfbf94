import { hash, randomBytes } from "node:crypto";

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
