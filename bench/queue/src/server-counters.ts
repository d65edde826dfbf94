import type { Redis } from "ioredis";
import pg from "pg";

/**
 * Transactions committed in a database since the statistics were reset, read from `pg_stat_database` on another
 * database of the server (so that reading does not count). A backend reports its counts when it exits, or at most
 * every second while it works; read after the connections being counted are closed.
 */
export async function committedTransactions(serverUrl: string, databaseName: string): Promise<number> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await client.query<{ commits: string }>("SELECT xact_commit::text AS commits FROM pg_stat_database WHERE datname = $1", [databaseName]);
    return Number(rows[0]?.commits ?? 0);
  } finally {
    await client.end();
  }
}

/** Bytes Redis uses (`INFO memory`, `used_memory`). */
export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** Deletes every key under `<prefix>:` (SCAN, never FLUSHDB: the Redis may be shared). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}

export const median = (values: readonly number[]): number => percentile(values, 0.5);
