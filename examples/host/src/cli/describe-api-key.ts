import type { ApiKeyRecord } from "@neonhub/core";

/** How long before its expiry `keys list` marks a key for rotation. */
export const KEY_ROTATION_WARNING_MS = 7 * 86_400_000;

/**
 * One line of `keys list`: the key's id, prefix, name, user, scopes, creation, expiry and state at `now`. The scopes
 * are comma-separated as stored, so that a successor can be issued with the same `--scope` flags.
 */
export function describeApiKey(record: ApiKeyRecord, now: number): string {
  const expires = record.expiresAt === null ? "never" : record.expiresAt.toISOString();
  const scopes = record.scopes.length === 0 ? "none" : record.scopes.join(",");
  return `${record.id}  ${record.prefix}...  ${record.name}  user=${record.userId}  scopes=${scopes}  created=${record.createdAt.toISOString()}  expires=${expires}  ${stateOf(record, now)}`;
}

function stateOf(record: ApiKeyRecord, now: number): string {
  if (record.revokedAt !== null) return `revoked=${record.revokedAt.toISOString()}`;
  if (record.expiresAt === null) return "active";
  const left = record.expiresAt.getTime() - now;
  if (left <= 0) return "expired";
  return left <= KEY_ROTATION_WARNING_MS ? "active  EXPIRES SOON: rotate it" : "active";
}
