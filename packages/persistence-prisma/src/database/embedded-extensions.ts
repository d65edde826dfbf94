import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/**
 * The contrib extensions every embedded database is opened with. `pg_trgm` backs the trigram index of intent search
 * (migration `20261209100000_run_intent_trigram_index`); once a data folder holds that index, every write of a run
 * calls the extension, so each open of the folder must load it.
 */
export const EMBEDDED_EXTENSIONS = { pg_trgm };

/** Opens an embedded database with {@link EMBEDDED_EXTENSIONS}: in `dataDir`, or in memory without one. */
export function createEmbeddedPglite(dataDir?: string): Promise<PGlite> {
  return PGlite.create(dataDir, { extensions: EMBEDDED_EXTENSIONS });
}
