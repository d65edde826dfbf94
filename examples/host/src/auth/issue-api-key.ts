import { randomUUID } from "node:crypto";
import { ValidationError, type ApiKeyRecord, type ApiKeyStore } from "@neonhub/core";
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
}

/** A key just created: the only moment its plain value exists. */
export interface IssuedApiKey {
  key: string;
  record: ApiKeyRecord;
}

const MIN_KEY_LENGTH = 24;

/** Creates a key and stores only its hash. Show `key` once to its owner; it cannot be read back. */
export async function issueApiKey(store: ApiKeyStore, input: IssueApiKeyInput): Promise<IssuedApiKey> {
  for (const field of ["organizationId", "userId", "name"] as const) {
    if (input[field].trim().length === 0) throw new ValidationError(`${field} is required.`, [{ path: field, message: "is required" }]);
  }
  const scopes = checkApiScopes(input.scopes ?? DEFAULT_API_KEY_SCOPES);
  const key = input.key ?? generateApiKey();
  if (key.length < MIN_KEY_LENGTH) {
    throw new ValidationError(`A key must be at least ${MIN_KEY_LENGTH} characters long.`, [{ path: "key", message: "is too short" }]);
  }
  const record = await store.create({
    id: randomUUID(),
    organizationId: input.organizationId,
    userId: input.userId,
    name: input.name,
    prefix: listedPrefix(key),
    scopes,
    keyHash: hashApiKey(key),
  });
  return { key, record };
}
