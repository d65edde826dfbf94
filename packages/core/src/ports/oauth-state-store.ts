/**
 * How an authorization ends. `callback`: the keyless callback stores the tokens in the starter's organization.
 * `confirm`: the callback keeps them as a pending grant that only the starter's organization and user can take, with
 * their own API key, so an authorization URL finished by someone else links nothing.
 */
export type OAuthCompletion = "callback" | "confirm";

/** One authorization in progress: what the callback needs to finish it, bound to who started it. */
export interface OAuthStateRecord {
  /** The unguessable `state` sent to the provider. Adapters may keep only its hash. */
  state: string;
  organizationId: string;
  userId: string;
  connector: string;
  /** The PKCE code verifier (S256) whose challenge went to the provider. */
  codeVerifier: string;
  /** The redirect URI sent to the provider; the code exchange must repeat it. */
  redirectUri: string;
  /** Where the person is sent back after the callback (already checked against the allowlist). */
  returnUrl: string;
  /** How the callback finishes the authorization. */
  completion: OAuthCompletion;
  expiresAt: Date;
}

/** Tokens of a finished code exchange, waiting for the organization and user that started the authorization. */
export interface OAuthGrantRecord {
  /** The unguessable grant handed to the return URL. Adapters may keep only its hash. */
  grant: string;
  organizationId: string;
  userId: string;
  connector: string;
  /** What the provider answered: `accessToken` and, when it gave one, `refreshToken`. Adapters keep them sealed. */
  tokens: Record<string, string>;
  /** When the access token expires; null when the provider did not say. */
  tokensExpireAt: Date | null;
  /** When the grant can no longer be confirmed. */
  expiresAt: Date;
}

/**
 * A grant that expired without being confirmed, as {@link OAuthStateStore.consumeExpiredGrants} hands it over: its
 * tokens are still valid at the provider, so the host can revoke them. The grant itself is left out (adapters may keep
 * only its hash), since nobody can confirm it any more.
 */
export type ExpiredOAuthGrant = Omit<OAuthGrantRecord, "grant">;

/**
 * Pending OAuth 2.0 authorizations and the grants waiting to be confirmed. A state and a grant are each single-use:
 * `consume` and `consumeGrant` remove what they read in the same step, so two hosts cannot both use one. States and
 * grants are kept apart: a grant may have the value of a state.
 */
export interface OAuthStateStore {
  readonly specificationVersion: "v1";
  /**
   * Keeps a pending authorization until it is consumed or deleted as expired. When a state of the same value is kept
   * (expired or not), the store keeps that one, writes nothing and throws `AlreadyExistsError` (`ALREADY_EXISTS`,
   * never retryable, `fields` `["state"]`); of two created at once with one value, one is kept.
   */
  create(record: OAuthStateRecord): Promise<void>;
  /** Removes and returns the record of `state`, expired or not (the caller tells why it refuses); null when unknown or used. */
  consume(state: string): Promise<OAuthStateRecord | null>;
  /**
   * Keeps the tokens of an authorization finished with `confirm` completion until the grant is confirmed or expires.
   * A grant of the same value already kept is kept, and this one refused as `create` refuses a state (`fields`
   * `["grant"]`).
   */
  createGrant(record: OAuthGrantRecord): Promise<void>;
  /** Removes and returns the record of `grant`, expired or not (the caller tells why it refuses); null when unknown or used. */
  consumeGrant(grant: string): Promise<OAuthGrantRecord | null>;
  /** Removes the states and grants that expired before `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
  /**
   * Removes and returns at most `limit` grants that expired before `now`, those that expired first first, with their
   * tokens, so that the caller can revoke them at the provider; expired states stay for `deleteExpired`. Each grant is
   * handed to one caller, even when two hosts sweep at once. An adapter that cannot open a grant's tokens any more
   * (their key is gone) removes it all the same and leaves it out of the answer.
   *
   * Optional, so that adapters written before it keep working: a host finding it missing sweeps with `deleteExpired`,
   * which deletes expired grants without giving their tokens back, so that they stay valid at the provider until they
   * expire there. The conformance suite checks it.
   * @param limit an integer from 1 to 1,000 (`MAX_EXPIRED_GRANTS_BATCH`).
   * @throws ValidationError when `limit` is out of range or `now` is not a valid date, before anything is removed.
   * @example
   * for (const grant of await states.consumeExpiredGrants?.(new Date(), 20) ?? []) await revoke(grant.tokens);
   */
  consumeExpiredGrants?(now: Date, limit: number): Promise<ExpiredOAuthGrant[]>;
}
