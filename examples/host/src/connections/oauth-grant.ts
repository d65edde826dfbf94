import { randomBytes } from "node:crypto";

/** How long the starter has to confirm an authorization after the callback: as long as a state lives. */
export const DEFAULT_OAUTH_GRANT_TTL_MS = 10 * 60_000;

/** A new unguessable grant for the return URL: 32 random bytes, base64url (43 characters). */
export const newOAuthGrant = (): string => randomBytes(32).toString("base64url");
