import { StoreUnavailableError } from "@neonhub/core";

const BRAND = Symbol.for("@neonhub/persistence-prisma/credentials-unreadable");

/**
 * Why a sealed value could not be opened: `key_not_configured` when the key named in it is neither the current key
 * nor a previous one; `authentication_failed` when the key does not open it (another key of the same id, data altered,
 * or a value moved to another organization or connector).
 */
export type CredentialsUnreadableReason = "key_not_configured" | "authentication_failed";

/**
 * A sealed value (a connection's credentials, a PKCE verifier or a grant's tokens) that none of the configured keys
 * opens. Its code stays `STORE_UNAVAILABLE`, not retryable; `reason` and `keyId` tell it apart from a database failure.
 * Check with {@link CredentialsUnreadableError.isInstance} rather than `instanceof`.
 */
export class CredentialsUnreadableError extends StoreUnavailableError {
  readonly [BRAND] = true;
  /** Why it could not be opened. */
  readonly reason: CredentialsUnreadableReason;
  /** The id of the key that sealed the value; null for values sealed before key ids existed. */
  readonly keyId: string | null;

  constructor(connector: string, reason: CredentialsUnreadableReason, keyId: string | null, cause?: unknown) {
    const why = reason === "key_not_configured" ? `they were sealed with key ${keyId}, which is not configured` : "wrong encryption key or altered data";
    super(`The stored credentials of "${connector}" could not be decrypted: ${why}.`, { isRetryable: false, ...(cause === undefined ? {} : { cause }) });
    this.name = "CredentialsUnreadableError";
    this.reason = reason;
    this.keyId = keyId;
  }

  /** True for this error, from this copy of the package or another one. */
  static override isInstance(value: unknown): value is CredentialsUnreadableError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
