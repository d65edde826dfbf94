import { randomBytes } from "node:crypto";
import { runOAuthStateStoreConformanceSuite } from "@neonhub/core/testing";
import { describe } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "../tooling/scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the OAuthStateStore conformance suite on PostgreSQL.");

describe.skipIf(!TEST_DATABASE_URL)("Prisma OAuth state store on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  let database: NeonhubDatabase;
  runOAuthStateStoreConformanceSuite({
    name: "Prisma on PostgreSQL",
    createStore: async () => {
      scratch = await createScratchDatabase(TEST_DATABASE_URL!);
      database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
      return database.createOAuthStateStore({ encryptionKey: randomBytes(32).toString("base64") });
    },
    destroyStore: async () => {
      await database.close();
      await scratch.drop();
    },
  });
});
