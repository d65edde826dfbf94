import { ConfigurationError } from "@neonhub/core";
import { openDatabaseConnection } from "../database/database-connection.js";
import type { ResolvedConnection } from "../database/connection-options.js";
import { locateMigrations } from "../migrations/locate-migrations.js";
import { createMigrator } from "../migrations/migrator.js";
import { readMigrations } from "../migrations/read-migrations.js";
import { seedDatabase } from "./seed-database.js";

/** Seeds a migrated database (embedded databases are migrated first, as on every open). */
export async function seedConnection(connection: ResolvedConnection): Promise<{ agents: number; connectors: number }> {
  const opened = await openDatabaseConnection(connection);
  try {
    const migrator = createMigrator(opened.sessions, readMigrations(locateMigrations()), { useAdvisoryLock: opened.kind === "postgres" });
    if (opened.kind === "embedded") await migrator.apply();
    const pending = await migrator.pending();
    if (pending.length > 0) throw new ConfigurationError(`Apply the pending migrations first (pnpm db:migrate): ${pending.join(", ")}.`);
    return await seedDatabase(opened.prisma);
  } finally {
    await opened.close();
  }
}
