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
}

/** Storage of hashed API keys, used by hosts to authenticate callers. */
export interface ApiKeyStore {
  readonly specificationVersion: "v1";
  create(input: Omit<ApiKeyRecord, "createdAt" | "revokedAt"> & { keyHash: string }): Promise<ApiKeyRecord>;
  /** The key with this hash, revoked or not; null when none. */
  findByHash(keyHash: string): Promise<ApiKeyRecord | null>;
  /** Revokes a key of the organization; false when there is no such key. */
  revoke(organizationId: string, id: string): Promise<boolean>;
  list(organizationId: string): Promise<ApiKeyRecord[]>;
}
