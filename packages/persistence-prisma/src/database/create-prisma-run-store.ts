import type { RunStore } from "@neonhub/core";
import type { DatabaseConnectionOptions } from "./connection-options.js";
import { openNeonhubDatabase } from "./open-neonhub-database.js";

/**
 * A {@link RunStore} on PostgreSQL (`{ url }`) or on an embedded PGlite database (`{ embedded: { dataDir } }`,
 * migrated on open; a later open of the same folder finds every run). For PostgreSQL, apply the migrations first
 * (`npx --no-install neonhub-migrate`, the bin of this package), or use {@link openNeonhubDatabase} with `applyMigrations: true`:
 * on a database without them every run is refused with a `STORE_UNAVAILABLE` that is not retryable.
 * @example
 * const store = await createPrismaRunStore({ embedded: { dataDir: "./.neonhub" } });
 * const orchestrator = createOrchestrator({ agents, store });
 */
export async function createPrismaRunStore(options: DatabaseConnectionOptions): Promise<RunStore> {
  const database = await openNeonhubDatabase(options);
  return database.runStore;
}
