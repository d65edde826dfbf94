import { randomBytes } from "node:crypto";
import { runOAuthStateStoreConformanceSuite, sampleOAuthGrant, sampleOAuthState } from "@neonhub/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../generated/prisma/client.js";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { oauthKeyRotationTests } from "../test-support/oauth-key-rotation-tests.js";
import { embeddedConnectionAroundSuite, embeddedDatabaseAroundSuite } from "../test-support/embedded-database-around-suite.js";
import { createScratchFolder } from "../tooling/scratch-database.js";
import { createPrismaOAuthStateStore } from "./prisma-oauth-state-store.js";

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

  it("removes an expired grant whose tokens no configured key opens, handing over the others of its batch", async () => {
    const expiresAt = new Date(Date.UTC(1990, 0, 1));
    const [lost, kept] = [sampleOAuthGrant({ expiresAt }), sampleOAuthGrant({ expiresAt: new Date(expiresAt.getTime() + 1) })];
    await database!.createOAuthStateStore({ encryptionKey: randomBytes(32).toString("base64") }).createGrant(lost);
    const store = database!.createOAuthStateStore({ encryptionKey });
    await store.createGrant(kept);
    const { grant: _grant, ...handedOver } = kept;
    expect(await store.consumeExpiredGrants(new Date(Date.UTC(1990, 0, 2)), 10)).toEqual([handedOver]);
    expect(await store.consumeExpiredGrants(new Date(Date.UTC(1990, 0, 2)), 10)).toEqual([]);
  });
});

describe("Prisma OAuth state store key rotation on embedded PGlite", () => {
  oauthKeyRotationTests(embeddedDatabaseAroundSuite());
});

describe("Prisma OAuth state store key rotation racing a callback on embedded PGlite", () => {
  const connectionOf = embeddedConnectionAroundSuite();

  it("leaves a state and a grant used between the read of their batch and their re-sealing used", async () => {
    const oldKey = randomBytes(32).toString("base64");
    const newKey = randomBytes(32).toString("base64");
    const host = createPrismaOAuthStateStore(connectionOf().prisma, oldKey);
    const [usedState, keptState] = [sampleOAuthState(), sampleOAuthState()];
    const [usedGrant, keptGrant] = [sampleOAuthGrant(), sampleOAuthGrant()];
    for (const record of [usedState, keptState]) await host.create(record);
    for (const record of [usedGrant, keptGrant]) await host.createGrant(record);
    // A callback and a confirmation on another host use one state and one grant right after the rotation read them.
    const used: unknown[] = [];
    const racing = connectionOf().prisma.$extends({
      query: {
        oAuthState: {
          async findMany({ args, query }) {
            const rows = await query(args);
            used.push(await host.consume(usedState.state));
            return rows;
          },
        },
        oAuthGrant: {
          async findMany({ args, query }) {
            const rows = await query(args);
            used.push(await host.consumeGrant(usedGrant.grant));
            return rows;
          },
        },
      },
    }) as unknown as PrismaClient;

    const result = await createPrismaOAuthStateStore(racing, { current: newKey, previous: [oldKey] }).reencrypt();

    expect(used).toEqual([usedState, usedGrant]);
    expect(result).toEqual({ states: { reencrypted: 1, skipped: 1, expired: 0, unreadable: 0, unreadableKeyIds: [] }, grants: { reencrypted: 1, skipped: 1, expired: 0, unreadable: 0, unreadableKeyIds: [] } });
    const after = createPrismaOAuthStateStore(connectionOf().prisma, newKey);
    expect(await after.countStale()).toEqual({ states: 0, grants: 0 });
    expect(await after.consume(usedState.state)).toBeNull();
    expect(await after.consumeGrant(usedGrant.grant)).toBeNull();
    expect(await after.consume(keptState.state)).toEqual(keptState);
    expect(await after.consumeGrant(keptGrant.grant)).toEqual(keptGrant);
  });
});
