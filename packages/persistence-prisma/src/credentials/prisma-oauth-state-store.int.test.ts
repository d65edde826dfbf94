import { randomBytes } from "node:crypto";
import { runOAuthStateStoreConformanceSuite, sampleOAuthGrant, sampleOAuthState } from "@neonhub/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { oauthKeyRotationTests, rotationFrom } from "../test-support/oauth-key-rotation-tests.js";
import { openLockingScratch, waitForLockWaits, type LockingScratch } from "../tooling/lock-waits.js";
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

describe.skipIf(!TEST_DATABASE_URL)("Prisma OAuth state store key rotation on PostgreSQL", () => {
  let locking: LockingScratch;
  beforeAll(async () => {
    locking = await openLockingScratch(TEST_DATABASE_URL!);
  });
  afterAll(async () => {
    await locking?.close();
  });
  oauthKeyRotationTests(() => locking.database);

  // Another host's callback deletes the row in a transaction the rotation's compare-and-swap waits for.
  const usedWhileRotating = async (table: "OAuthState" | "OAuthGrant", organizationId: string, rotate: () => Promise<unknown>) => {
    await locking.blocker.query("BEGIN");
    await locking.blocker.query(`DELETE FROM "${table}" WHERE "organizationId" = $1`, [organizationId]);
    const rotated = rotate();
    await waitForLockWaits(locking.blocker, 1);
    await locking.blocker.query("COMMIT");
    return rotated;
  };

  it("leaves a state used while the rotation waits for its row used", async () => {
    const { before, during, after } = rotationFrom(locking.database);
    const [usedState, keptState] = [sampleOAuthState(), sampleOAuthState()];
    for (const record of [usedState, keptState]) await before.create(record);
    const result = await usedWhileRotating("OAuthState", usedState.organizationId, () => during.reencrypt());
    expect(result).toEqual({ states: { reencrypted: 1, skipped: 1, expired: 0, unreadable: 0, unreadableKeyIds: [] }, grants: { reencrypted: 0, skipped: 0, expired: 0, unreadable: 0, unreadableKeyIds: [] } });
    expect(await after.countStale()).toEqual({ states: 0, grants: 0 });
    expect(await after.consume(usedState.state)).toBeNull();
    expect(await after.consume(keptState.state)).toEqual(keptState);
  });

  it("leaves a grant used while the rotation waits for its row used", async () => {
    const { before, during, after } = rotationFrom(locking.database);
    const [usedGrant, keptGrant] = [sampleOAuthGrant(), sampleOAuthGrant()];
    for (const record of [usedGrant, keptGrant]) await before.createGrant(record);
    const result = await usedWhileRotating("OAuthGrant", usedGrant.organizationId, () => during.reencrypt());
    expect(result).toEqual({ states: { reencrypted: 0, skipped: 0, expired: 0, unreadable: 0, unreadableKeyIds: [] }, grants: { reencrypted: 1, skipped: 1, expired: 0, unreadable: 0, unreadableKeyIds: [] } });
    expect(await after.countStale()).toEqual({ states: 0, grants: 0 });
    expect(await after.consumeGrant(usedGrant.grant)).toBeNull();
    expect(await after.consumeGrant(keptGrant.grant)).toEqual(keptGrant);
  });
});
