import type pg from "pg";

/** True when PostgreSQL itself reported the error (a SQLSTATE), so the connection is still usable. */
export function isServerReportedError(error: unknown): boolean {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string" && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
}

/** What {@link withPoolClient} hands its work: the client, and a way to say its connection can no longer be trusted. */
export interface CheckedOutClient {
  client: pg.PoolClient;
  /** Discards the connection on release instead of returning it to the pool. */
  markBroken(): void;
}

/**
 * Runs `work` on a client checked out of `pool`. A connection that failed below the SQL level (it dropped, or a
 * rollback failed) is discarded rather than reused; one that PostgreSQL answered with an error goes back to the pool.
 */
export async function withPoolClient<T>(pool: pg.Pool, work: (checkedOut: CheckedOutClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  const markBroken = () => {
    broken = true;
  };
  // A checked-out client whose connection drops emits `error`; without a listener that would end the process.
  client.on("error", markBroken);
  try {
    return await work({ client, markBroken });
  } catch (error) {
    broken ||= !isServerReportedError(error);
    throw error;
  } finally {
    client.removeListener("error", markBroken);
    client.release(broken);
  }
}

/** Runs `work` between BEGIN and COMMIT on the checked-out client; rolls back when it throws. */
export async function inClientTransaction<T>({ client, markBroken }: CheckedOutClient, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(markBroken);
    throw error;
  }
}
