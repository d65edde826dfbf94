import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCredentialStoreConformanceSuite } from "@neonhub/connectors/testing";
import { type NeonhubDatabase, openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { afterAll, beforeAll, describe } from "vitest";

describe("credentials on the embedded database", () => {
  const encryptionKey = randomBytes(32).toString("base64");
  let dataDir = "";
  let database: NeonhubDatabase | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-credentials-"));
    database = await openNeonhubDatabase({ embedded: { dataDir } });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  runCredentialStoreConformanceSuite({ name: "Prisma on embedded PGlite", createStore: async () => (database as NeonhubDatabase).createCredentialStore({ encryptionKey }) });
});
