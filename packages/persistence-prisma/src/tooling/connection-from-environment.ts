import { resolveConnection, type ResolvedConnection } from "../database/connection-options.js";

/** `DATABASE_URL` when set, otherwise the embedded database in `NEONHUB_DATA_DIR` (default `./.neonhub`), as the host does. */
export function connectionFromEnvironment(environment: NodeJS.ProcessEnv = process.env): ResolvedConnection {
  return environment.DATABASE_URL
    ? resolveConnection({ url: environment.DATABASE_URL })
    : resolveConnection({ embedded: { dataDir: environment.NEONHUB_DATA_DIR || ".neonhub" } });
}

/** How a connection is named in messages, without its password. */
export function describeConnection(connection: ResolvedConnection): string {
  if (connection.kind === "embedded") return `embedded database in ${connection.dataDir}`;
  const url = new URL(connection.url);
  url.password = "";
  return `PostgreSQL ${url.host}${url.pathname}`;
}
