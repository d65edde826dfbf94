import { afterAll, beforeAll } from "vitest";
import { openDatabaseConnection, type DatabaseConnection } from "../database/database-connection.js";
import { resolveConnection } from "../database/connection-options.js";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { createScratchFolder } from "../tooling/scratch-database.js";

/**
 * Migrates an embedded database in a scratch folder before a suite's tests and opens a bare connection to it, for
 * tests that build stores on a Prisma client of their own (one that fails or races on cue); closes and removes it
 * after them. Returns the connection's getter, valid inside the tests.
 */
export function embeddedConnectionAroundSuite(): () => DatabaseConnection {
  const folder = createScratchFolder();
  let connection: DatabaseConnection | undefined;
  beforeAll(async () => {
    const dataDir = (await folder).path;
    await (await openNeonhubDatabase({ embedded: { dataDir } })).close();
    connection = await openDatabaseConnection(resolveConnection({ embedded: { dataDir } }));
  }, 120_000);
  afterAll(async () => {
    await connection?.close();
    await (await folder).remove();
  });
  return () => connection as DatabaseConnection;
}

/** Opens a NeonHub database on an embedded database in a scratch folder before a suite's tests; removes it after. */
export function embeddedDatabaseAroundSuite(): () => NeonhubDatabase {
  const folder = createScratchFolder();
  let database: NeonhubDatabase | undefined;
  beforeAll(async () => {
    database = await openNeonhubDatabase({ embedded: { dataDir: (await folder).path } });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await (await folder).remove();
  });
  return () => database as NeonhubDatabase;
}
