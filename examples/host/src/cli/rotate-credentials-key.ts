import type { NeonhubDatabase, PendingReencryption, PrismaCredentialStore, PrismaOAuthStateStore, ReencryptionResult, UnreadableConnection } from "@neonhub/persistence-prisma";

/** What `connections rotate-key` works on. */
export interface KeyRotationTargets {
  store: PrismaCredentialStore;
  states: PrismaOAuthStateStore;
  database: Pick<NeonhubDatabase, "readDatabaseTime">;
}

const describeUnreadable = (connection: UnreadableConnection) => {
  const name = `${connection.organizationId}/${connection.connector}`;
  if (connection.keyId === null) return `${name} (sealed before key ids existed; no configured key opens it)`;
  return connection.reason === "key_not_configured" ? `${name} (key ${connection.keyId}, not configured)` : `${name} (key ${connection.keyId} does not open it: wrong key or altered data)`;
};

function reportUnreadableConnections(result: ReencryptionResult, write: (text: string) => void): void {
  if (result.unreadable === 0) return;
  const more = result.unreadable - result.unreadableConnections.length;
  write(
    `Could not open ${result.unreadable} connection(s), left as they were: ${result.unreadableConnections.map(describeUnreadable).join(", ")}` +
      `${more > 0 ? ` and ${more} more` : ""}. Add the key each was sealed with to NEONHUB_CREDENTIALS_PREVIOUS_KEYS and run rotate-key ` +
      `again, or delete the connection (pnpm connections delete --org <organizationId> --connector <id>) and have its organization connect again.\n`,
  );
}

function reportUnreadablePending(what: string, done: PendingReencryption, write: (text: string) => void): void {
  if (done.unreadable === 0) return;
  const keys = done.unreadableKeyIds.length === 0 ? "" : ` (sealed with key(s) ${done.unreadableKeyIds.join(", ")})`;
  write(
    `Could not open ${done.unreadable} ${what}${keys}, left as they were. Add the key they were sealed with to ` +
      `NEONHUB_CREDENTIALS_PREVIOUS_KEYS and run rotate-key again, or run it again once they have expired: it deletes them then.\n`,
  );
}

/**
 * Re-seals connections, pending authorizations and grants with the current key and reports each, naming the rows no
 * configured key opens. Returns the exit code: 0 when nothing is left on another key, 1 otherwise.
 */
export async function rotateCredentialsKey(targets: KeyRotationTargets, write: (text: string) => void): Promise<number> {
  const { store, states, database } = targets;
  const result = await store.reencrypt();
  const remaining = await store.countStale();
  write(`Re-encrypted ${result.reencrypted} connection(s) with key ${store.currentKeyId}; ${result.skipped} changed meanwhile; ${remaining} left on other keys.\n`);
  reportUnreadableConnections(result, write);
  // Expiry by the database's clock: a machine whose clock runs ahead would delete authorizations still live.
  const pending = await states.reencrypt(await database.readDatabaseTime());
  const pendingRemaining = await states.countStale();
  const reportPending = (what: string, done: PendingReencryption, left: number) => {
    write(`Re-encrypted ${done.reencrypted} ${what} with key ${states.currentKeyId}; ${done.skipped} used meanwhile; ${done.expired} expired and deleted; ${left} left on other keys.\n`);
    reportUnreadablePending(what, done, write);
  };
  reportPending("pending authorization(s)", pending.states, pendingRemaining.states);
  reportPending("grant(s) of confirm completion", pending.grants, pendingRemaining.grants);
  const unreadable = result.unreadable + pending.states.unreadable + pending.grants.unreadable;
  return remaining + pendingRemaining.states + pendingRemaining.grants + unreadable === 0 ? 0 : 1;
}
