import { randomBytes, randomUUID } from "node:crypto";
import { runCredentialStoreConformanceSuite } from "@neonhub/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../generated/prisma/client.js";
import { encryptionKeyId, openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { credentialKeyRotationTests } from "../test-support/credential-key-rotation-tests.js";
import { embeddedConnectionAroundSuite, embeddedDatabaseAroundSuite } from "../test-support/embedded-database-around-suite.js";
import { sealInFirstFormat } from "../test-support/seal-in-first-format.js";
import { createScratchFolder } from "../tooling/scratch-database.js";
import { createPrismaCredentialStore } from "./prisma-credential-store.js";

const folder = await createScratchFolder();
let database: NeonhubDatabase;
beforeAll(async () => {
  database = await openNeonhubDatabase({ embedded: { dataDir: folder.path } });
}, 120_000);
afterAll(async () => {
  await database?.close();
  await folder.remove();
});

runCredentialStoreConformanceSuite({ name: "Prisma on embedded PGlite", createStore: async () => database.createCredentialStore({ encryptionKey: randomBytes(32).toString("base64") }) });

describe("embedded database while a token refresh holds a connection exclusively", () => {
  it("keeps serving the run store (lease renewals, reads) during a slow refresh", async () => {
    const credentials = database.createCredentialStore({ encryptionKey: randomBytes(32).toString("base64") });
    await credentials.put({ organizationId: "org", connector: "hubspot", authType: "oauth2", credentials: { accessToken: "a", refreshToken: "r" }, expiresAt: null });
    const now = new Date();
    const runId = randomUUID();
    await database.runStore.createRun({
      id: runId, agentName: "a", agentVersion: "1", organizationId: "org", userId: "u", intent: null, input: {}, idempotencyKey: null, requestHash: null,
      status: "RUNNING", createdAt: now, startedAt: now, traceId: null, parentRunId: null, lease: { owner: "me", expiresAt: new Date(now.getTime() + 60_000) },
    });

    // The token endpoint takes 3 s to answer (the refresher allows up to 15 s).
    const refresh = credentials.updateExclusively("org", "hubspot", async () => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return { credentials: { accessToken: "b", refreshToken: "r" } };
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const startedAt = Date.now();
    const held = await database.runStore.renewLeases({ owner: "me", runs: [{ runId, fence: 1 }], expiresAt: new Date(Date.now() + 60_000) });
    await database.runStore.getRun("org", runId);
    const waitedMs = Date.now() - startedAt;
    await refresh;
    expect(held).toEqual([runId]);
    expect(waitedMs).toBeLessThan(1_000);
  }, 120_000);
});

describe("Prisma credential store key rotation on embedded PGlite", () => {
  credentialKeyRotationTests(embeddedDatabaseAroundSuite());
});

describe("Prisma credential store key rotation past rows it cannot open, on embedded PGlite", () => {
  const connectionOf = embeddedConnectionAroundSuite();

  it("names a connection whose sealed value was moved from another row as one its key does not open", async () => {
    const [oldKey, newKey] = [randomBytes(32).toString("base64"), randomBytes(32).toString("base64")];
    const host = createPrismaCredentialStore(connectionOf().prisma, oldKey);
    for (const organizationId of ["org-moved", "org-kept"]) {
      await host.put({ organizationId, connector: "stripe", authType: "api_key", credentials: { apiKey: organizationId }, expiresAt: null });
    }
    const kept = await connectionOf().prisma.connectorAuth.findFirstOrThrow({ where: { organizationId: "org-kept" } });
    await connectionOf().prisma.connectorAuth.updateMany({ where: { organizationId: "org-moved" }, data: { encryptedCredentials: kept.encryptedCredentials } });

    const result = await createPrismaCredentialStore(connectionOf().prisma, { current: newKey, previous: [oldKey] }).reencrypt();

    expect(result).toEqual({
      reencrypted: 1,
      skipped: 0,
      unreadable: 1,
      unreadableConnections: [{ organizationId: "org-moved", connector: "stripe", keyId: encryptionKeyId(oldKey), reason: "authentication_failed" }],
    });
    expect((await createPrismaCredentialStore(connectionOf().prisma, newKey).get("org-kept", "stripe"))?.credentials).toEqual({ apiKey: "org-kept" });
    await connectionOf().prisma.connectorAuth.deleteMany({});
  });

  it("re-encrypts connections stored before key ids existed, and names one no configured key opens without a key id", async () => {
    const [oldKey, newKey, unknownKey] = [randomBytes(32).toString("base64"), randomBytes(32).toString("base64"), randomBytes(32).toString("base64")];
    const { prisma } = connectionOf();
    // Rows of the first release: the sealed value has no key prefix and the key id column is empty.
    for (const [organizationId, key] of [["org-first", oldKey], ["org-lost", unknownKey]] as const) {
      await createPrismaCredentialStore(prisma, oldKey).put({ organizationId, connector: "stripe", authType: "api_key", credentials: { apiKey: organizationId }, expiresAt: null });
      await prisma.connectorAuth.updateMany({
        where: { organizationId },
        data: { encryptedCredentials: sealInFirstFormat(key, { apiKey: organizationId }, organizationId, "stripe"), encryptionKeyId: null },
      });
    }
    const onNewKey = createPrismaCredentialStore(prisma, newKey);
    expect(await onNewKey.countStale()).toBe(2);
    expect((await createPrismaCredentialStore(prisma, { current: newKey, previous: [oldKey] }).get("org-first", "stripe"))?.credentials).toEqual({ apiKey: "org-first" });

    const result = await createPrismaCredentialStore(prisma, { current: newKey, previous: [oldKey] }).reencrypt();

    expect(result).toEqual({
      reencrypted: 1,
      skipped: 0,
      unreadable: 1,
      unreadableConnections: [{ organizationId: "org-lost", connector: "stripe", keyId: null, reason: "authentication_failed" }],
    });
    expect((await onNewKey.get("org-first", "stripe"))?.credentials).toEqual({ apiKey: "org-first" });
    expect(await prisma.connectorAuth.findFirstOrThrow({ where: { organizationId: "org-first" } })).toMatchObject({ encryptionKeyId: encryptionKeyId(newKey) });
    expect(await onNewKey.countStale()).toBe(1);
    expect((await createPrismaCredentialStore(prisma, unknownKey).get("org-lost", "stripe"))?.credentials).toEqual({ apiKey: "org-lost" });
    await prisma.connectorAuth.deleteMany({});
  });

  it("fails on a database error rather than counting the row as unreadable", async () => {
    const [oldKey, newKey] = [randomBytes(32).toString("base64"), randomBytes(32).toString("base64")];
    await createPrismaCredentialStore(connectionOf().prisma, oldKey).put({ organizationId: "org", connector: "stripe", authType: "api_key", credentials: { apiKey: "sk" }, expiresAt: null });
    const failing = connectionOf().prisma.$extends({
      query: {
        connectorAuth: {
          async updateMany() {
            throw Object.assign(new Error("connection terminated unexpectedly"), { code: "ECONNRESET" });
          },
        },
      },
    }) as unknown as PrismaClient;

    await expect(createPrismaCredentialStore(failing, { current: newKey, previous: [oldKey] }).reencrypt()).rejects.toMatchObject({
      code: "STORE_UNAVAILABLE",
      isRetryable: true,
      message: "The database is unavailable: could not re-encrypt the connections because the connection to it failed.",
    });
    expect(await createPrismaCredentialStore(connectionOf().prisma, newKey).countStale()).toBe(1);
    await connectionOf().prisma.connectorAuth.deleteMany({});
  });
});
