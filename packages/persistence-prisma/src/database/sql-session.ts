import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { inClientTransaction, withPoolClient } from "./pool-client.js";

/** Plain SQL access beside Prisma, used by the migrator and the tooling (one connection at a time). */
export interface SqlSession {
  /** One statement with `$1`-style parameters; returns its rows. */
  query<Row = Record<string, unknown>>(text: string, parameters?: unknown[]): Promise<Row[]>;
  /**
   * A script of several statements, applied atomically; `beforeCommit` runs in the same transaction after the
   * script (the migrator records the migration there, so that it is applied and recorded together or not at all).
   */
  executeScriptInTransaction(script: string, beforeCommit?: (transaction: Pick<SqlSession, "query">) => Promise<void>): Promise<void>;
}

/** Where sessions come from: a PostgreSQL pool or an embedded PGlite database. */
export interface SqlSessionSource {
  /** Runs `work` on one dedicated connection. */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}

/** Sessions on clients checked out of a `pg` pool. */
export function poolSessionSource(pool: pg.Pool): SqlSessionSource {
  return {
    withSession: (work) =>
      withPoolClient(pool, (checkedOut) => {
        const query = async <Row>(text: string, parameters?: unknown[]) => (await checkedOut.client.query(text, parameters)).rows as Row[];
        return work({
          query,
          executeScriptInTransaction: (script, beforeCommit) =>
            inClientTransaction(checkedOut, async () => {
              await checkedOut.client.query(script);
              await beforeCommit?.({ query });
            }),
        });
      }),
  };
}

/** Sessions on an embedded PGlite database (a single connection that serialises queries itself). */
export function pgliteSessionSource(database: PGlite): SqlSessionSource {
  const session: SqlSession = {
    async query<Row>(text: string, parameters?: unknown[]) {
      const result = await database.query<Row>(text, parameters);
      return result.rows;
    },
    async executeScriptInTransaction(script, beforeCommit) {
      await database.transaction(async (transaction) => {
        await transaction.exec(script);
        await beforeCommit?.({
          async query<Row>(text: string, parameters?: unknown[]) {
            const result = await transaction.query<Row>(text, parameters);
            return result.rows;
          },
        });
      });
    },
  };
  return { withSession: (work) => work(session) };
}
