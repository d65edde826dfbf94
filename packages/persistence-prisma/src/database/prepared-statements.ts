import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";

/**
 * The run store's hottest statements, sent as named prepared statements: PostgreSQL parses and plans each once per
 * connection instead of on every call, which was about half of its CPU time per queued run.
 */
export interface PreparedStatements {
  /** Runs the statement `text` (with `$1`-style parameters) prepared under `name`; returns its rows. */
  query<Row>(name: string, text: string, values: unknown[]): Promise<Row[]>;
}

/**
 * Statements on a `pg` pool: each connection prepares a name on first use and keeps it. With `named: false` they are
 * sent unnamed, parsed and planned on every call, for poolers that cannot keep prepared statements.
 */
export function poolStatements(pool: pg.Pool, { named }: { named: boolean }): PreparedStatements {
  return {
    async query<Row>(name: string, text: string, values: unknown[]) {
      const result = await pool.query(named ? { name, text, values } : { text, values });
      return result.rows as Row[];
    },
  };
}

/** The same statements on an embedded PGlite database (in process: nothing to gain from naming them). */
export function pgliteStatements(database: PGlite): PreparedStatements {
  return {
    async query<Row>(_name: string, text: string, values: unknown[]) {
      const result = await database.query<Row>(text, values);
      return result.rows;
    },
  };
}
