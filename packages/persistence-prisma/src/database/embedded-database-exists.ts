import { access } from "node:fs/promises";
import { join } from "node:path";

/**
 * Whether `dataDir` holds an embedded database, without opening (and so creating) one. PGlite's initdb writes
 * `PG_VERSION` at the top of the data folder first, as PostgreSQL's does; a missing or empty folder has none.
 */
export async function embeddedDatabaseExists(dataDir: string): Promise<boolean> {
  return access(join(dataDir, "PG_VERSION")).then(
    () => true,
    () => false,
  );
}
