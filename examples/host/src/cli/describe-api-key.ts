import type { ApiKeyRecord } from "@neonhub/core";

/** How long before its expiry `keys list` marks a key for rotation. */
export const KEY_ROTATION_WARNING_MS = 7 * 86_400_000;

/** One line of `keys list`: the key's id, prefix, name, user, creation, expiry and state at `now`. */
export function describeApiKey(record: ApiKeyRecord, now: number): string {
  const expires = record.expiresAt === null ? "never" : record.expiresAt.toISOString();
  return `${record.id}  ${record.prefix}...  ${record.name}  user=${record.userId}  created=${record.createdAt.toISOString()}  expires=${expires}  ${stateOf(record, now)}`;
}

function stateOf(record: ApiKeyRecord, now: number): string {
  if (record.revokedAt !== null) return `revoked=${record.revokedAt.toISOString()}`;
  if (record.expiresAt === null) return "active";
  const left = record.expiresAt.getTime() - now;
  if (left <= 0) return "expired";
  return left <= KEY_ROTATION_WARNING_MS ? "active  EXPIRES SOON: rotate it" : "active";
}
