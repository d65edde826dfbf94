import { isNeonhubError, systemClock, type ApiKeyStore, type Clock } from "@neonhub/core";
import { hashApiKey, isApiKeyActive } from "./api-key.js";
import { issueApiKey, type IssuedApiKey } from "./issue-api-key.js";

/** The organization and user that the quick start's development key belongs to. */
export const DEVELOPMENT_CALLER = Object.freeze({ organizationId: "org_development", userId: "user_development" });

const DEVELOPMENT_KEY_NAME = "development";

/**
 * Creates the development key on first start: `requestedKey` when given (and not stored yet, also when another host
 * sharing the database stores it at the same moment), otherwise a random key when the development organization has
 * no active key, neither revoked nor expired. Returns the new key so that it can be printed once, or null when
 * nothing was created. `clock` is what expiry is judged by (the system clock by
 * default; the host's database clock in a started host, as for every request).
 */
export async function provisionDevelopmentKey(store: ApiKeyStore, requestedKey: string | null, clock: Pick<Clock, "now"> = systemClock): Promise<IssuedApiKey | null> {
  if (requestedKey !== null) {
    const existing = await store.findByHash(hashApiKey(requestedKey));
    if (existing) return null;
    try {
      return await issueApiKey(store, { ...DEVELOPMENT_CALLER, name: DEVELOPMENT_KEY_NAME, key: requestedKey });
    } catch (error) {
      // Another host starting on the same database stored it between the lookup and the create.
      if (isNeonhubError(error, "ALREADY_EXISTS") && (error.details?.fields as string[] | undefined)?.includes("keyHash")) return null;
      throw error;
    }
  }
  const keys = await store.list(DEVELOPMENT_CALLER.organizationId);
  const now = clock.now();
  if (keys.some((record) => isApiKeyActive(record, now))) return null;
  return issueApiKey(store, { ...DEVELOPMENT_CALLER, name: DEVELOPMENT_KEY_NAME });
}
