import pg from "pg";
import { openNeonhubDatabase, type NeonhubDatabase } from "../database/open-neonhub-database.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

/**
 * Resolves once `count` sessions of the client's database wait for a lock (as `pg_stat_activity` shows them), so
 * that a test can order concurrent statements without guessing how long each takes to reach its lock. The client
 * may be inside a transaction: the activity snapshot it keeps there is cleared on every look.
 */
export async function waitForLockWaits(client: pg.Client, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await client.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await client.query<{ waiting: number }>(
      `SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE "datname" = current_database() AND "wait_event_type" = 'Lock'`,
    );
    const waiting = rows[0]!.waiting;
    if (waiting >= count) return;
    if (Date.now() > deadline) throw new Error(`Expected ${count} sessions waiting for a lock, found ${waiting}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A migrated scratch database, opened by the stores, and a second client that holds locks for a test. */
export interface LockingScratch {
  scratch: ScratchDatabase;
  database: NeonhubDatabase;
  blocker: pg.Client;
  close(): Promise<void>;
}

/** Opens a {@link LockingScratch} on the server at `url`; `close` ends the client and drops the database. */
export async function openLockingScratch(url: string): Promise<LockingScratch> {
  const scratch = await createScratchDatabase(url);
  const database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
  const blocker = new pg.Client({ connectionString: scratch.url });
  await blocker.connect();
  return {
    scratch,
    database,
    blocker,
    async close() {
      await blocker.end();
      await database.close();
      await scratch.drop();
    },
  };
}
