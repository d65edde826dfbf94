import { ConfigurationError } from "@neonhub/core";
import { openNeonhubDatabase, type NeonhubDatabase } from "@neonhub/persistence-prisma";
import type { HostConfig } from "../config/host-config.js";

/**
 * Opens PostgreSQL when `DATABASE_URL` is set, otherwise the embedded PGlite database (migrated on open).
 * PostgreSQL is never migrated by the host: it refuses to start while migrations are pending.
 */
export async function openHostDatabase(config: Pick<HostConfig, "databaseUrl" | "dataDir" | "preparedStatements">): Promise<NeonhubDatabase> {
  if (config.databaseUrl === null) return openNeonhubDatabase({ embedded: { dataDir: config.dataDir } });
  const database = await openNeonhubDatabase({ url: config.databaseUrl, preparedStatements: config.preparedStatements });
  const pending = await database.pendingMigrations().catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  if (pending.length > 0) {
    await database.close();
    throw new ConfigurationError(
      `The database has ${pending.length} pending migration(s): ${pending.join(", ")}. ` +
        "Apply them with `pnpm db:migrate` (DATABASE_URL set to the migration role) before starting the host.",
    );
  }
  return database;
}
