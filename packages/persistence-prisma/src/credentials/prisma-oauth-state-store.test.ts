import { randomBytes } from "node:crypto";
import { runOAuthStateStoreConformanceSuite, sampleOAuthGrant } from "@neonhub/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { createScratchFolder } from "../tooling/scratch-database.js";

const folder = await createScratchFolder();
const encryptionKey = randomBytes(32).toString("base64");
let database: NeonhubDatabase | undefined;
afterAll(async () => {
  await database?.close();
  await folder.remove();
});

runOAuthStateStoreConformanceSuite({
  name: "Prisma on embedded PGlite",
  createStore: async () => {
    database = await openNeonhubDatabase({ embedded: { dataDir: folder.path } });
    return database.createOAuthStateStore({ encryptionKey });
  },
});

describe("Prisma OAuth state store rows", () => {
  it("seals a grant's tokens with the credentials key: a store with another key cannot open them", async () => {
    const grant = sampleOAuthGrant();
    await database!.createOAuthStateStore({ encryptionKey }).createGrant(grant);
    const otherKey = database!.createOAuthStateStore({ encryptionKey: randomBytes(32).toString("base64") });
    await expect(otherKey.consumeGrant(grant.grant)).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
  });
});
