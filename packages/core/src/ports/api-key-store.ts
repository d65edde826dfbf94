/** A stored API key. The key itself is never stored: only its hash. */
export interface ApiKeyRecord {
  id: string;
  organizationId: string;
  userId: string;
  name: string;
  /** First characters of the key, to tell keys apart in listings. */
  prefix: string;
  scopes: string[];
  createdAt: Date;
  revokedAt: Date | null;
  /** The instant from which the key is refused; null when it never expires. */
  expiresAt: Date | null;
}

/** What {@link ApiKeyStore.create} stores: the record's own fields, the key's hash, and its expiry if it has one. */
export type CreateApiKeyInput = Omit<ApiKeyRecord, "createdAt" | "revokedAt" | "expiresAt"> & {
  keyHash: string;
  /** The instant from which the key is refused; never expires when left out or null. */
  expiresAt?: Date | null;
};

/**
 * Storage of hashed API keys, used by hosts to authenticate callers. A store keeps and returns keys whether they are
 * revoked or expired: refusing them is the caller's decision, made with its own clock.
 */
export interface ApiKeyStore {
  readonly specificationVersion: "v1";
  /**
   * Stores a new key. An id and a hash are each unique across all organizations: when a key with the same id or the
   * same hash is already stored, the store keeps that one, writes nothing and throws `AlreadyExistsError`
   * (`ALREADY_EXISTS`, never retryable) whose `fields` name which collided (`id`, `keyHash`, or both, in that order).
   * Of two keys created at once with the same id or hash, one is stored and the other refused so.
   */
  create(input: CreateApiKeyInput): Promise<ApiKeyRecord>;
  /** The key with this hash, revoked, expired or not; null when none. */
  findByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  /** Revokes a key of the organization; false when there is no such key. */
  revoke(organizationId: string, id: string): Promise<boolean>;
  /** The organization's keys, revoked and expired ones included, newest first (by `createdAt`, then by `id`, descending). */
  list(organizationId: string): Promise<ApiKeyRecord[]>;
}
