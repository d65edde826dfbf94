import { ConfigurationError } from "@neonhub/core";
import { DEFAULT_EMBEDDED_LOCK_WAIT_MS } from "./embedded-folder-lock.js";

/** Where the database is: a PostgreSQL URL, or a folder for the embedded PGlite database. */
export type DatabaseConnectionOptions = { url: string } | { embedded: EmbeddedDatabaseOptions };

/** Where and how to open the embedded PGlite database. */
export interface EmbeddedDatabaseOptions {
  /** The database's folder, created when missing. One process at a time opens it. */
  dataDir: string;
  /**
   * How long an open waits for another process's claim on the folder to be released, or, for a process that was
   * killed, to lapse (10 s after its last refresh); then it is refused with `CONFIGURATION_INVALID`. Default 12,000 ms.
   */
  lockWaitMs?: number;
}

/** Options of `openNeonhubDatabase`. */
export type OpenNeonhubDatabaseOptions = DatabaseConnectionOptions & {
  /**
   * Apply pending migrations while opening. Embedded databases always do unless this is `false`;
   * PostgreSQL URLs only when it is `true` (deployments usually migrate in a separate step).
   */
  applyMigrations?: boolean;
  /**
   * PostgreSQL only: send the run store's hot statements as named prepared statements, parsed and planned once per
   * connection. Default true. Set false behind a pooler that cannot keep them, such as PgBouncer in transaction
   * mode before 1.21 (or without `max_prepared_statements`).
   */
  preparedStatements?: boolean;
};

/** The validated form of the options. */
export type ResolvedConnection = { kind: "postgres"; url: string; preparedStatements: boolean } | { kind: "embedded"; dataDir: string; lockWaitMs: number };

/** Checks the options before anything connects. */
export function resolveConnection(options: DatabaseConnectionOptions & { preparedStatements?: boolean }): ResolvedConnection {
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError("Pass { url } for PostgreSQL or { embedded: { dataDir } } for the embedded database.");
  }
  const hasUrl = "url" in options && options.url !== undefined;
  const hasEmbedded = "embedded" in options && options.embedded !== undefined;
  if (hasUrl === hasEmbedded) {
    throw new ConfigurationError("Pass exactly one of { url } (PostgreSQL) or { embedded: { dataDir } } (PGlite).");
  }
  if (hasUrl) {
    const url = (options as { url: unknown }).url;
    if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) {
      throw new ConfigurationError("The database url must be a postgres:// or postgresql:// connection string.");
    }
    const { preparedStatements = true } = options as { preparedStatements?: unknown };
    if (typeof preparedStatements !== "boolean") throw new ConfigurationError("preparedStatements must be true or false.");
    return { kind: "postgres", url, preparedStatements };
  }
  const { dataDir, lockWaitMs = DEFAULT_EMBEDDED_LOCK_WAIT_MS } = (options as { embedded: { dataDir?: unknown; lockWaitMs?: unknown } }).embedded ?? {};
  if (typeof dataDir !== "string" || dataDir.trim() === "") {
    throw new ConfigurationError("embedded.dataDir must be the path of a folder for the embedded database.");
  }
  if (typeof lockWaitMs !== "number" || !Number.isFinite(lockWaitMs) || lockWaitMs < 0) {
    throw new ConfigurationError("embedded.lockWaitMs must be a number of milliseconds, 0 or more.");
  }
  return { kind: "embedded", dataDir, lockWaitMs };
}
