/** How a connection authenticates. */
export type ConnectionAuthType = "none" | "api_key" | "bearer" | "basic" | "oauth2";

/** The credentials of one organization's connection to one connector. Secret values are plain here and encrypted at rest by adapters. */
export interface ConnectionCredentials {
  organizationId: string;
  connector: string;
  authType: ConnectionAuthType;
  /** Secret values by name: `apiKey`, `accessToken`, `refreshToken`, `clientSecret`, `username`, `password`, ... */
  credentials: Record<string, string>;
  /** When the access credentials expire; null when they do not. */
  expiresAt: Date | null;
  /** `NEEDS_REAUTH` after a terminal refresh failure: a person must connect again. */
  status: "ACTIVE" | "NEEDS_REAUTH";
  /** Incremented by every write; used for compare-and-swap. */
  version: number;
}

/** What a write to a connection changes. */
export interface CredentialChanges {
  credentials?: Record<string, string>;
  expiresAt?: Date | null;
  status?: "ACTIVE" | "NEEDS_REAUTH";
}

/**
 * Where connector credentials live (`ConnectorAuth` rows in PostgreSQL). Refreshed OAuth2 tokens are written
 * with `update`, a compare-and-swap on `version`, so that two processes refreshing at once cannot lose a token.
 */
export interface CredentialStore {
  readonly specificationVersion: "v1";
  get(organizationId: string, connector: string): Promise<ConnectionCredentials | null>;
  /** Creates or replaces a connection (version starts again from 1 on create, is incremented on replace). */
  put(input: Omit<ConnectionCredentials, "version" | "status"> & { status?: "ACTIVE" | "NEEDS_REAUTH" }): Promise<ConnectionCredentials>;
  /** Applies `changes` when the stored version equals `expectedVersion`; returns null when it does not. */
  update(organizationId: string, connector: string, expectedVersion: number, changes: CredentialChanges): Promise<ConnectionCredentials | null>;
  delete(organizationId: string, connector: string): Promise<boolean>;
}
