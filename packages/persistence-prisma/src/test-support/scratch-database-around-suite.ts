import { afterAll, beforeAll } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "../tooling/scratch-database.js";

/**
 * Creates a scratch PostgreSQL database with every migration applied before a suite's tests and drops it after
 * them; `opened` receives it and the NeonHub database opened on it. Needs `TEST_DATABASE_URL`.
 */
export function scratchDatabaseAroundSuite(opened: (scratch: { scratch: ScratchDatabase; database: NeonhubDatabase }) => void): void {
  let scratch: ScratchDatabase | undefined;
  let database: NeonhubDatabase | undefined;
  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
    opened({ scratch, database });
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });
}
