/** How a connection authenticates. */
export type ConnectionAuthType = "none" | "api_key" | "bearer" | "basic" | "oauth2";

/**
 * State of a connection. `EXPIRED`: the provider refused to refresh it, a person must connect again. `REVOKED`: the
 * grant was withdrawn. `ERROR`: the last use failed for another reason (the connection may still work).
 */
export type ConnectionStatus = "ACTIVE" | "EXPIRED" | "REVOKED" | "ERROR";

/** The credentials of one organization's connection to one connector. Secret values are plain here and encrypted at rest by adapters. */
export interface ConnectionCredentials {
  organizationId: string;
  connector: string;
  authType: ConnectionAuthType;
  /** Secret values by name: `apiKey`, `accessToken`, `refreshToken`, `clientSecret`, `username`, `password`, ... */
  credentials: Record<string, string>;
  /** When the access credentials expire; null when they do not. */
  expiresAt: Date | null;
  status: ConnectionStatus;
  /** Incremented by every write; used for compare-and-swap. */
  version: number;
  /** When a call last used the connection; null before the first. */
  lastUsedAt: Date | null;
  /** What went wrong the last time, without secret values; null after a success. */
  lastError: string | null;
}

/** What a connection list shows: everything but the secrets. */
export type ConnectionSummary = Omit<ConnectionCredentials, "credentials"> & {
  /** When the connection was first put; replacing it keeps this. */
  createdAt: Date;
  /**
   * When the connection last changed: a put, an update, or an exclusive update that wrote changes. A use record
   * (`lastUsedAt` says when) and an exclusive update that wrote nothing leave it as it was.
   */
  updatedAt: Date;
};

/** What a write to a connection changes. */
export interface CredentialChanges {
  credentials?: Record<string, string>;
  expiresAt?: Date | null;
  status?: ConnectionStatus;
  lastError?: string | null;
}

/** The input of {@link CredentialStore.put}. */
export type ConnectionInput = Omit<ConnectionCredentials, "version" | "status" | "lastUsedAt" | "lastError" | "expiresAt"> & {
  status?: ConnectionStatus;
  /** When the access credentials expire; null or left out when they do not (an API key, a static token). */
  expiresAt?: Date | null;
};

/**
 * Where connector credentials live (`ConnectorAuth` rows in PostgreSQL). Refreshed OAuth2 tokens are written
 * with `updateExclusively`, which claims the connection while the new tokens are fetched, so that processes that
 * need a new token at the same moment make one refresh; `update` is a compare-and-swap on `version`.
 */
export interface CredentialStore {
  readonly specificationVersion: "v1";
  get(organizationId: string, connector: string): Promise<ConnectionCredentials | null>;
  /**
   * The organization's connections without secrets, ordered by connector id as JavaScript compares texts (by UTF-16
   * code unit, as `Array.prototype.sort` does), whatever the database's collation.
   */
  list(organizationId: string): Promise<ConnectionSummary[]>;
  /**
   * Creates or replaces a connection (version starts again from 1 on create, is incremented on replace); clears
   * `lastError`. A connection already stored is never a conflict here: of puts racing to create one connection, one
   * creates it and the others replace it in turn, each with its own version.
   */
  put(input: ConnectionInput): Promise<ConnectionCredentials>;
  /** Applies `changes` when the stored version equals `expectedVersion`; returns null when it does not. */
  update(organizationId: string, connector: string, expectedVersion: number, changes: CredentialChanges): Promise<ConnectionCredentials | null>;
  /**
   * Holds the connection exclusively, calls `change` with its current value and writes what `change` returns
   * (nothing when it returns null). Database adapters make it exclusive across processes with a claim that expires
   * (longer than a token refresh may take), and hold no transaction or database connection while `change` runs.
   * Other callers wait until the claim is released or has lapsed, then see the written value. A caller whose claim
   * lapsed and was taken over by another writes nothing. Returns the connection as stored afterwards, or null when
   * there is none. When `change` throws, nothing is written, the connection is released at once and the error is
   * rethrown as it is.
   */
  updateExclusively(
    organizationId: string,
    connector: string,
    change: (current: ConnectionCredentials) => Promise<CredentialChanges | null>,
  ): Promise<ConnectionCredentials | null>;
  /** Records a use: sets `lastUsedAt`, and `lastError` (null after a success). Does not change the version. */
  recordUse(organizationId: string, connector: string, use: { at: Date; error: string | null }): Promise<void>;
  delete(organizationId: string, connector: string): Promise<boolean>;
}
