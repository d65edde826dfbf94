import { runApiKeyStoreConformanceSuite } from "@neonhub/core/testing";
import { afterAll } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { createScratchFolder } from "../tooling/scratch-database.js";

const folder = await createScratchFolder();
let database: NeonhubDatabase | undefined;
afterAll(async () => {
  await database?.close();
  await folder.remove();
});

runApiKeyStoreConformanceSuite({
  name: "Prisma on embedded PGlite",
  createStore: async () => {
    database = await openNeonhubDatabase({ embedded: { dataDir: folder.path } });
    return database.apiKeyStore;
  },
});
