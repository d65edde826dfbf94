import { runRunStoreConformanceSuite } from "@neonhub/core/testing";
import { describe } from "vitest";
import { openNeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "../tooling/scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the RunStore conformance suite on PostgreSQL.");

describe.skipIf(!TEST_DATABASE_URL)("Prisma run store on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  runRunStoreConformanceSuite({
    name: "Prisma on PostgreSQL",
    createStore: async () => {
      scratch = await createScratchDatabase(TEST_DATABASE_URL!);
      const database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
      return database.runStore;
    },
    destroyStore: async (store) => {
      await store.close();
      await scratch.drop();
    },
  });
});
