import { runApiKeyStoreConformanceSuite } from "@neonhub/core/testing";
import { describe } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "../tooling/scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the ApiKeyStore conformance suite on PostgreSQL.");

describe.skipIf(!TEST_DATABASE_URL)("Prisma API key store on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  let database: NeonhubDatabase;
  runApiKeyStoreConformanceSuite({
    name: "Prisma on PostgreSQL",
    createStore: async () => {
      scratch = await createScratchDatabase(TEST_DATABASE_URL!);
      database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
      return database.apiKeyStore;
    },
    destroyStore: async () => {
      await database.close();
      await scratch.drop();
    },
  });
});
