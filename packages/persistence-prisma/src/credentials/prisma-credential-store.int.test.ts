import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { runCredentialStoreConformanceSuite } from "@neonhub/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { credentialKeyRotationTests } from "../test-support/credential-key-rotation-tests.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "../tooling/scratch-database.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the CredentialStore conformance suite on PostgreSQL.");

describe.skipIf(!TEST_DATABASE_URL)("Prisma credential store on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  let database: NeonhubDatabase;
  runCredentialStoreConformanceSuite({
    name: "Prisma on PostgreSQL",
    createStore: async () => {
      // A database that orders texts by locale, as many production databases do, unlike the test server's default.
      scratch = await createScratchDatabase(TEST_DATABASE_URL!, "neonhub_test", { icuLocale: "en-US" });
      database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
      return database.createCredentialStore({ encryptionKey: randomBytes(32).toString("base64") });
    },
    destroyStore: async () => {
      await database.close();
      await scratch.drop();
    },
  });
});

describe.skipIf(!TEST_DATABASE_URL)("exclusive credential updates on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  let database: NeonhubDatabase;
  let raw: pg.Client;
  const encryptionKey = randomBytes(32).toString("base64");
  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
    raw = new pg.Client({ connectionString: scratch.url });
    await raw.connect();
  });
  afterAll(async () => {
    await raw?.end();
    await database?.close();
    await scratch?.drop();
  });

  const claimOf = async (organizationId: string) =>
    (await raw.query<{ refreshClaimId: string | null; refreshClaimedUntil: Date | null }>(`SELECT "refreshClaimId", "refreshClaimedUntil" FROM "ConnectorAuth" WHERE "organizationId" = $1`, [organizationId])).rows[0];
  const connect = async (organizationId: string) => {
    const credentials = database.createCredentialStore({ encryptionKey });
    await credentials.put({ organizationId, connector: "hubspot", authType: "oauth2", credentials: { accessToken: "a", refreshToken: "r" }, expiresAt: null });
    return credentials;
  };

  it("do not starve the run store of connections while ten organizations' token endpoint is slow", async () => {
    const credentials = database.createCredentialStore({ encryptionKey });
    const organizations = Array.from({ length: 10 }, (_, index) => `org-${index}`);
    for (const organizationId of organizations) {
      await credentials.put({ organizationId, connector: "hubspot", authType: "oauth2", credentials: { accessToken: "a", refreshToken: "r" }, expiresAt: null });
    }
    const now = new Date();
    const runId = randomUUID();
    await database.runStore.createRun({
      id: runId, agentName: "a", agentVersion: "1", organizationId: "org-0", userId: "u", intent: null, input: {}, idempotencyKey: null, requestHash: null,
      status: "RUNNING", createdAt: now, startedAt: now, traceId: null, parentRunId: null, lease: { owner: "me", expiresAt: new Date(now.getTime() + 60_000) },
    });
    // Ten organizations' HubSpot tokens expire while the token endpoint takes 3 s to answer (the refresher allows 15 s).
    const refreshes = organizations.map((organizationId) =>
      credentials.updateExclusively(organizationId, "hubspot", async () => {
        await sleep(3_000);
        return { credentials: { accessToken: "b", refreshToken: "r" } };
      }),
    );
    await sleep(300);
    const startedAt = Date.now();
    const held = await database.runStore.renewLeases({ owner: "me", runs: [{ runId, fence: 1 }], expiresAt: new Date(Date.now() + 60_000) });
    const waitedMs = Date.now() - startedAt;
    await Promise.all(refreshes);
    expect(held).toEqual([runId]);
    expect(waitedMs).toBeLessThan(1_000);
  }, 60_000);

  it("takes over a claim that lapsed, as a host that died while refreshing leaves it", async () => {
    const organizationId = `org-${randomUUID()}`;
    const credentials = await connect(organizationId);
    await raw.query(`UPDATE "ConnectorAuth" SET "refreshClaimId" = 'dead-host', "refreshClaimedUntil" = now() - interval '1 second' WHERE "organizationId" = $1`, [organizationId]);
    const startedAt = Date.now();
    const written = await credentials.updateExclusively(organizationId, "hubspot", async (current) => ({ credentials: { ...current.credentials, accessToken: "b" } }));
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(written).toMatchObject({ version: 2, credentials: { accessToken: "b", refreshToken: "r" } });
    expect(await claimOf(organizationId)).toEqual({ refreshClaimId: null, refreshClaimedUntil: null });
  });

  it("writes nothing for a holder whose claim lapsed and was taken over, and returns the connection as stored", async () => {
    const organizationId = `org-${randomUUID()}`;
    const credentials = await connect(organizationId);
    const late = await credentials.updateExclusively(organizationId, "hubspot", async () => {
      // This refresh outlives its claim: another caller takes the connection over and writes its tokens first.
      await raw.query(`UPDATE "ConnectorAuth" SET "refreshClaimedUntil" = now() - interval '1 second' WHERE "organizationId" = $1`, [organizationId]);
      await credentials.updateExclusively(organizationId, "hubspot", async () => ({ credentials: { accessToken: "taken-over", refreshToken: "r2" } }));
      return { credentials: { accessToken: "late", refreshToken: "r3" } };
    });
    expect(late).toMatchObject({ version: 2, credentials: { accessToken: "taken-over", refreshToken: "r2" } });
    expect(await credentials.get(organizationId, "hubspot")).toMatchObject({ version: 2, credentials: { accessToken: "taken-over" } });
    expect(await claimOf(organizationId)).toEqual({ refreshClaimId: null, refreshClaimedUntil: null });
  });

  it("releases the claim at once when the change throws, so the next caller does not wait for it to lapse", async () => {
    const organizationId = `org-${randomUUID()}`;
    const credentials = await connect(organizationId);
    await expect(credentials.updateExclusively(organizationId, "hubspot", async () => Promise.reject(new Error("token endpoint down")))).rejects.toThrow("token endpoint down");
    expect(await claimOf(organizationId)).toEqual({ refreshClaimId: null, refreshClaimedUntil: null });
    const startedAt = Date.now();
    expect(await credentials.updateExclusively(organizationId, "hubspot", async () => ({ status: "EXPIRED" }))).toMatchObject({ version: 2, status: "EXPIRED" });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it("makes a caller wait while another holds the claim, then hands it the stored tokens", async () => {
    const organizationId = `org-${randomUUID()}`;
    const credentials = await connect(organizationId);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = credentials.updateExclusively(organizationId, "hubspot", async () => {
      await held;
      return { credentials: { accessToken: "b", refreshToken: "r2" } };
    });
    await sleep(100);
    const seen: string[] = [];
    const second = credentials.updateExclusively(organizationId, "hubspot", async (current) => {
      seen.push(current.credentials.accessToken ?? "");
      return null;
    });
    await sleep(300);
    expect(seen).toEqual([]);
    expect((await claimOf(organizationId))?.refreshClaimId).not.toBeNull();
    release();
    expect(await first).toMatchObject({ version: 2 });
    expect(await second).toMatchObject({ version: 2, credentials: { accessToken: "b", refreshToken: "r2" } });
    expect(seen).toEqual(["b"]);
  });
});

describe.skipIf(!TEST_DATABASE_URL)("Prisma credential store key rotation on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  let database: NeonhubDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });
  credentialKeyRotationTests(() => database);
});
