import { randomUUID } from "node:crypto";
import { isStorableDate, systemClock, ValidationError, type ApiKeyRecord, type ApiKeyStore, type Clock } from "@neonhub/core";
import { generateApiKey, hashApiKey, listedPrefix } from "./api-key.js";
import { checkApiScopes, DEFAULT_API_KEY_SCOPES } from "./api-scopes.js";

/** Who a new key belongs to. */
export interface IssueApiKeyInput {
  organizationId: string;
  userId: string;
  name: string;
  /** What the key may do (see `API_SCOPES`); every scope when left out. */
  scopes?: string[];
  /** Use this key instead of a random one (the development key); it must be long enough to be unguessable. */
  key?: string;
  /** The instant from which the key is refused; it must lie ahead, by 9999-12-31 UTC. Never expires when left out or null. */
  expiresAt?: Date | null;
}

/** Options of {@link issueApiKey}. */
export interface IssueApiKeyOptions {
  /** What `expiresAt` must lie ahead of; the system clock by default. */
  clock?: Pick<Clock, "now">;
}

/** A key just created: the only moment its plain value exists. */
export interface IssuedApiKey {
  key: string;
  record: ApiKeyRecord;
}

const MIN_KEY_LENGTH = 24;

/**
 * Creates a key and stores only its hash. Show `key` once to its owner; it cannot be read back.
 * @throws ValidationError (`VALIDATION_FAILED`) for a missing field, unknown scope, short key, or an `expiresAt`
 * that has passed or that a store cannot hold, before anything is stored.
 * @throws AlreadyExistsError (`ALREADY_EXISTS`, `fields` `["keyHash"]`) when the given `key` is already stored, in any
 * organization; the stored key is kept as it was. A random key and id never collide in practice.
 */
export async function issueApiKey(store: ApiKeyStore, input: IssueApiKeyInput, options: IssueApiKeyOptions = {}): Promise<IssuedApiKey> {
  for (const field of ["organizationId", "userId", "name"] as const) {
    if (input[field].trim().length === 0) throw new ValidationError(`${field} is required.`, [{ path: field, message: "is required" }]);
  }
  const scopes = checkApiScopes(input.scopes ?? DEFAULT_API_KEY_SCOPES);
  const key = input.key ?? generateApiKey();
  if (key.length < MIN_KEY_LENGTH) {
    throw new ValidationError(`A key must be at least ${MIN_KEY_LENGTH} characters long.`, [{ path: "key", message: "is too short" }]);
  }
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null) checkKeyExpiry(expiresAt, (options.clock ?? systemClock).now());
  const record = await store.create({
    id: randomUUID(),
    organizationId: input.organizationId,
    userId: input.userId,
    name: input.name,
    prefix: listedPrefix(key),
    scopes,
    keyHash: hashApiKey(key),
    expiresAt,
  });
  return { key, record };
}

/**
 * Checks a new key's expiry: a time a store can hold (0001-01-01 to 9999-12-31 UTC) and after `now`.
 * @throws ValidationError (`VALIDATION_FAILED`) on path `expiresAt`.
 */
export function checkKeyExpiry(expiresAt: Date, now: number): void {
  // The same range as every other stored time: a store cannot hold a year beyond 9999 or before 1.
  if (!isStorableDate(expiresAt)) {
    throw new ValidationError("expiresAt is not a date from 0001-01-01 to 9999-12-31 (UTC).", [{ path: "expiresAt", message: "must be a date from 0001-01-01 to 9999-12-31 (UTC)" }]);
  }
  if (expiresAt.getTime() <= now) {
    throw new ValidationError(`expiresAt ${expiresAt.toISOString()} has passed: a key must expire in the future.`, [{ path: "expiresAt", message: "must be in the future" }]);
  }
}
