import { ConfigurationError } from "@neonhub/core";

/** Where the database is: a PostgreSQL URL, or a folder for the embedded PGlite database. */
export type DatabaseConnectionOptions = { url: string } | { embedded: { dataDir: string } };

/** Options of `openNeonhubDatabase`. */
export type OpenNeonhubDatabaseOptions = DatabaseConnectionOptions & {
  /**
   * Apply pending migrations while opening. Embedded databases always do unless this is `false`;
   * PostgreSQL URLs only when it is `true` (deployments usually migrate in a separate step).
   */
  applyMigrations?: boolean;
};

/** The validated form of the options. */
export type ResolvedConnection = { kind: "postgres"; url: string } | { kind: "embedded"; dataDir: string };

/** Checks the options before anything connects. */
export function resolveConnection(options: DatabaseConnectionOptions): ResolvedConnection {
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
    return { kind: "postgres", url };
  }
  const dataDir = (options as { embedded: { dataDir?: unknown } }).embedded?.dataDir;
  if (typeof dataDir !== "string" || dataDir.trim() === "") {
    throw new ConfigurationError("embedded.dataDir must be the path of a folder for the embedded database.");
  }
  return { kind: "embedded", dataDir };
}
