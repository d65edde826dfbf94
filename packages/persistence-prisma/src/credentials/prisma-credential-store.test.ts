import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { createScratchFolder } from "../tooling/scratch-database.js";

const folder = await createScratchFolder();
let database: NeonhubDatabase;
beforeAll(async () => {
  database = await openNeonhubDatabase({ embedded: { dataDir: folder.path } });
}, 120_000);
afterAll(async () => {
  await database?.close();
  await folder.remove();
});

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
