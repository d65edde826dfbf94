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
  expiresAt: Date;
}

/**
 * Pending OAuth 2.0 authorizations. A state is single-use: `consume` removes it in the same step that reads it,
 * so two callbacks with the same state cannot both succeed.
 */
export interface OAuthStateStore {
  readonly specificationVersion: "v1";
  create(record: OAuthStateRecord): Promise<void>;
  /** Removes and returns the record of `state`, expired or not (the caller tells why it refuses); null when unknown or used. */
  consume(state: string): Promise<OAuthStateRecord | null>;
  /** Removes records that expired before `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
}
