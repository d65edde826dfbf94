import type { PGlite, Transaction } from "@electric-sql/pglite";
import type pg from "pg";
import { inClientTransaction, withPoolClient } from "./pool-client.js";

/**
 * The run store's hottest statements, sent as named prepared statements: PostgreSQL parses and plans each once per
 * connection instead of on every call, which was about half of its CPU time per queued run.
 */
export interface PreparedStatements {
  /** Runs the statement `text` (with `$1`-style parameters) prepared under `name`; returns its rows. */
  query<Row>(name: string, text: string, values: unknown[]): Promise<Row[]>;
  /**
   * Runs `work` in one transaction on one connection, committed when it resolves and rolled back when it throws.
   * Each statement of `work` reads what was committed before it began (READ COMMITTED), unlike the parts of one
   * statement, which share the snapshot taken when the statement started.
   */
  transaction<T>(work: (statements: Pick<PreparedStatements, "query">) => Promise<T>): Promise<T>;
}

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

function queryOn(target: Queryable, named: boolean): PreparedStatements["query"] {
  return async <Row>(name: string, text: string, values: unknown[]) => {
    const result = await target.query(named ? { name, text, values } : { text, values });
    return result.rows as Row[];
  };
}

/**
 * Statements on a `pg` pool: each connection prepares a name on first use and keeps it. With `named: false` they are
 * sent unnamed, parsed and planned on every call, for poolers that cannot keep prepared statements.
 */
export function poolStatements(pool: pg.Pool, { named }: { named: boolean }): PreparedStatements {
  return {
    query: queryOn(pool, named),
    transaction: (work) => withPoolClient(pool, (checkedOut) => inClientTransaction(checkedOut, () => work({ query: queryOn(checkedOut.client, named) }))),
  };
}

function pgliteQuery(database: PGlite | Transaction): PreparedStatements["query"] {
  return async <Row>(_name: string, text: string, values: unknown[]) => {
    const result = await database.query<Row>(text, values);
    return result.rows;
  };
}

/** The same statements on an embedded PGlite database (in process: nothing to gain from naming them). */
export function pgliteStatements(database: PGlite): PreparedStatements {
  return {
    query: pgliteQuery(database),
    transaction: (work) => database.transaction((transaction) => work({ query: pgliteQuery(transaction) })),
  };
}
