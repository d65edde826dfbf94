import type { CredentialCipher } from "./credential-cipher.js";
import { CredentialsUnreadableError } from "./credentials-unreadable-error.js";

/** Rows re-sealed per query during a key rotation. */
const ROTATION_BATCH = 100;
/** Distinct key ids of unreadable rows named in a result; the count goes on past them. */
const UNREADABLE_KEY_IDS_LISTED = 20;

/** What a key rotation did to the pending rows of one table (states or grants). */
export interface PendingReencryption {
  /** Rows now sealed with the current key. */
  reencrypted: number;
  /** Rows used (deleted) meanwhile, which the rotation left gone. */
  skipped: number;
  /** Rows found expired and deleted instead: nobody can finish them, and their key may go once they are gone. */
  expired: number;
  /**
   * Rows no configured key opens, left as they were: configure the key they were sealed with as a previous one, or
   * run the rotation again once they have expired, when it deletes them.
   */
  unreadable: number;
  /** The ids of the keys the unreadable rows name, each once, up to 20; a row sealed before key ids existed adds none. */
  unreadableKeyIds: string[];
}

/** A pending row (a state or a grant) whose secret is sealed like a connection's credentials. */
export interface PendingRow {
  organizationId: string;
  connector: string;
  expiresAt: Date;
}

/** One table of pending rows, as a rotation reads and writes it. */
export interface PendingRows<Row extends PendingRow> {
  /** Up to `take` rows whose key is after `after` and whose sealed value does not start with `prefix`, in key order. */
  page(after: string, prefix: string, take: number): Promise<Row[]>;
  keyOf(row: Row): string;
  sealedOf(row: Row): string;
  /** Writes `sealed` only if the row still holds the sealed value read; returns how many rows it wrote. */
  swap(row: Row, sealed: string): Promise<number>;
  /** Deletes the row only if it still holds the sealed value read; returns how many rows it deleted. */
  remove(row: Row): Promise<number>;
}

/**
 * Re-seals with the current key every row of `rows` sealed with another key, page by page. Each write is a
 * compare-and-swap on the sealed value: an update never inserts, so a row used meanwhile stays gone. Rows expired at
 * `now` are deleted rather than re-sealed, as the expiry sweep would. A row no configured key opens is counted and left
 * as it was; any other error stops the rotation.
 */
export async function resealPendingRows<Row extends PendingRow>(rows: PendingRows<Row>, cipher: CredentialCipher, now: Date): Promise<PendingReencryption> {
  const result: PendingReencryption = { reencrypted: 0, skipped: 0, expired: 0, unreadable: 0, unreadableKeyIds: [] };
  const currentPrefix = `${cipher.currentKeyId}:`;
  let after = "";
  for (;;) {
    const page = await rows.page(after, currentPrefix, ROTATION_BATCH);
    for (const row of page) {
      if (row.expiresAt.getTime() < now.getTime()) {
        if ((await rows.remove(row)) === 1) result.expired += 1;
        else result.skipped += 1;
        continue;
      }
      let plain: Record<string, string>;
      try {
        plain = cipher.decrypt(rows.sealedOf(row), row.organizationId, row.connector);
      } catch (error) {
        if (!CredentialsUnreadableError.isInstance(error)) throw error;
        result.unreadable += 1;
        const { keyId } = error;
        if (keyId !== null && !result.unreadableKeyIds.includes(keyId) && result.unreadableKeyIds.length < UNREADABLE_KEY_IDS_LISTED) result.unreadableKeyIds.push(keyId);
        continue;
      }
      if ((await rows.swap(row, cipher.encrypt(plain, row.organizationId, row.connector))) === 1) result.reencrypted += 1;
      else result.skipped += 1;
    }
    if (page.length < ROTATION_BATCH) return result;
    after = rows.keyOf(page.at(-1) as Row);
  }
}
