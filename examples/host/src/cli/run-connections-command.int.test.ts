import { randomBytes, randomUUID } from "node:crypto";
import { sampleOAuthGrant, sampleOAuthState } from "@neonhub/core/testing";
import { encryptionKeyId, type NeonhubDatabase, openNeonhubDatabase } from "@neonhub/persistence-prisma";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, type ScratchDatabase } from "../../test/scratch-database.js";
import { runConnectionsCommand } from "./run-connections-command.js";

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: skipping the connections command on PostgreSQL.");

describe.skipIf(!baseUrl)("connections on PostgreSQL", () => {
  const oldKey = randomBytes(32).toString("base64");
  const newKey = randomBytes(32).toString("hex");
  let scratch: ScratchDatabase | undefined;
  let databaseUrl = "";
  let database: NeonhubDatabase | undefined;

  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl as string, "connections");
    databaseUrl = scratch.url;
    database = await openNeonhubDatabase({ url: databaseUrl });
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  const run = async (argv: string[], environment: Record<string, string>, input = "") => {
    let output = "";
    const code = await runConnectionsCommand(argv, { DATABASE_URL: databaseUrl, ...environment }, (text) => (output += text), async () => input);
    return { code, output };
  };

  it("sets from standard input, lists without secrets, rotates the key of connections, pending authorizations and grants while a host keeps refreshing, and deletes", async () => {
    const organizationId = `org_cli_${randomUUID()}`;
    const set = await run(["set", "--org", organizationId, "--connector", "stripe"], { NEONHUB_CREDENTIALS_KEY: oldKey }, JSON.stringify({ credentials: { apiKey: "sk_live_canary_51c0ffee" } }));
    expect(set).toEqual({ code: 0, output: `Stored the stripe connection of ${organizationId} (bearer, ACTIVE).\n` });
    const refused = run(["set", "--org", organizationId, "--connector", "stripe"], { NEONHUB_CREDENTIALS_KEY: oldKey }, JSON.stringify({ credentials: { token: "x" } }));
    await expect(refused).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    const host = (database as NeonhubDatabase).createCredentialStore({ encryptionKey: oldKey });
    for (let index = 0; index < 120; index += 1) {
      await host.put({ organizationId, connector: `plugin-${index}`, authType: "oauth2", credentials: { accessToken: `at-${index}`, refreshToken: `rt-${index}` }, expiresAt: null });
    }
    // An authorization and a grant of confirm completion pending across the rotation, and one that expired.
    const pendingBefore = (database as NeonhubDatabase).createOAuthStateStore({ encryptionKey: oldKey });
    const pendingState = sampleOAuthState({ organizationId });
    const pendingGrant = sampleOAuthGrant({ organizationId });
    const expiredState = sampleOAuthState({ organizationId, expiresAt: new Date(Date.UTC(2020, 0, 1)) });
    await pendingBefore.create(pendingState);
    await pendingBefore.create(expiredState);
    await pendingBefore.createGrant(pendingGrant);
    const listed = await run(["list", "--org", organizationId], { NEONHUB_CREDENTIALS_KEY: oldKey });
    expect(listed.output).toContain("stripe  bearer  ACTIVE  lastUsed=never");
    expect(listed.output).not.toContain("sk_live_canary");

    // A host with both keys keeps writing refreshed tokens during the rotation.
    const servingHost = (database as NeonhubDatabase).createCredentialStore({ encryptionKey: newKey, previousKeys: [oldKey] });
    const refreshes = (async () => {
      for (let round = 0; round < 20; round += 1) {
        await servingHost.updateExclusively(organizationId, "plugin-7", async (current) => ({ credentials: { ...current.credentials, accessToken: `at-7-${round}` } }));
      }
    })();
    const rotated = await run(["rotate-key"], { NEONHUB_CREDENTIALS_KEY: newKey, NEONHUB_CREDENTIALS_PREVIOUS_KEYS: oldKey });
    await refreshes;
    expect(rotated.code).toBe(0);
    const [connectionsLine, statesLine, grantsLine, ...rest] = rotated.output.split("\n");
    expect(connectionsLine).toMatch(/^Re-encrypted \d+ connection\(s\) with key [0-9a-f]{16}; \d+ changed meanwhile; 0 left on other keys\.$/);
    const keyId = /with key ([0-9a-f]{16})/.exec(connectionsLine as string)?.[1];
    expect(statesLine).toBe(`Re-encrypted 1 pending authorization(s) with key ${keyId}; 0 used meanwhile; 1 expired and deleted; 0 left on other keys.`);
    expect(grantsLine).toBe(`Re-encrypted 1 grant(s) of confirm completion with key ${keyId}; 0 used meanwhile; 0 expired and deleted; 0 left on other keys.`);
    expect(rest).toEqual([""]);

    // Only the new key is needed from now on, and every value survived.
    const newOnly = (database as NeonhubDatabase).createCredentialStore({ encryptionKey: newKey });
    expect(await newOnly.countStale()).toBe(0);
    expect((await newOnly.get(organizationId, "stripe"))?.credentials).toEqual({ apiKey: "sk_live_canary_51c0ffee" });
    expect((await newOnly.get(organizationId, "plugin-119"))?.credentials).toEqual({ accessToken: "at-119", refreshToken: "rt-119" });
    expect((await newOnly.get(organizationId, "plugin-7"))?.credentials.accessToken).toBe("at-7-19");
    await expect((database as NeonhubDatabase).createCredentialStore({ encryptionKey: oldKey }).get(organizationId, "stripe")).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
    const pendingAfter = (database as NeonhubDatabase).createOAuthStateStore({ encryptionKey: newKey });
    expect(await pendingAfter.countStale()).toEqual({ states: 0, grants: 0 });
    expect(await pendingAfter.consume(pendingState.state)).toEqual(pendingState);
    expect(await pendingAfter.consumeGrant(pendingGrant.grant)).toEqual(pendingGrant);
    expect(await pendingAfter.consume(expiredState.state)).toBeNull();

    const deleted = await run(["delete", "--org", organizationId, "--connector", "stripe"], { NEONHUB_CREDENTIALS_KEY: newKey });
    expect(deleted).toEqual({ code: 0, output: `Deleted the stripe connection of ${organizationId}; revocation at the provider: not_offered.\n` });
    expect(await newOnly.get(organizationId, "stripe")).toBeNull();
  });
});

describe.skipIf(!baseUrl)("connections rotate-key past rows no configured key opens, on PostgreSQL", () => {
  let scratch: ScratchDatabase | undefined;
  let database: NeonhubDatabase | undefined;
  let raw: pg.Client | undefined;
  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl as string, "connections_unreadable");
    database = await openNeonhubDatabase({ url: scratch.url });
    raw = new pg.Client({ connectionString: scratch.url });
    await raw.connect();
  });
  afterAll(async () => {
    await raw?.end();
    await database?.close();
    await scratch?.drop();
  });

  it("re-seals every row of the previous key past 22 connections and a pending authorization and grant sealed with a key not configured, names the first 20 and exits 1", async () => {
    const [keyA, keyB, keyC] = [randomBytes(32).toString("base64"), randomBytes(32).toString("hex"), randomBytes(32).toString("base64")];
    const onA = (database as NeonhubDatabase).createCredentialStore({ encryptionKey: keyA });
    const onC = (database as NeonhubDatabase).createCredentialStore({ encryptionKey: keyC });
    for (let index = 0; index < 120; index += 1) {
      await onA.put({ organizationId: `org_a_${index}`, connector: "hubspot", authType: "oauth2", credentials: { accessToken: `at-${index}` }, expiresAt: null });
      if (index % 5 === 0 && index < 110) await onC.put({ organizationId: `org_c_${index}`, connector: "stripe", authType: "api_key", credentials: { apiKey: `sk-${index}` }, expiresAt: null });
    }
    const lostState = sampleOAuthState();
    const lostGrant = sampleOAuthGrant();
    const pendingOnC = (database as NeonhubDatabase).createOAuthStateStore({ encryptionKey: keyC });
    await pendingOnC.create(lostState);
    await pendingOnC.createGrant(lostGrant);

    let output = "";
    const code = await runConnectionsCommand(["rotate-key"], { DATABASE_URL: scratch?.url, NEONHUB_CREDENTIALS_KEY: keyB, NEONHUB_CREDENTIALS_PREVIOUS_KEYS: keyA }, (text) => (output += text), async () => "");

    const [idB, idC] = [encryptionKeyId(keyB), encryptionKeyId(keyC)];
    const { rows: named } = await (raw as pg.Client).query<{ organizationId: string }>(
      `SELECT "organizationId" FROM "ConnectorAuth" WHERE "encryptionKeyId" = $1 ORDER BY "id" LIMIT 20`,
      [idC],
    );
    const unreadable = named.map((row) => `${row.organizationId}/stripe (key ${idC}, not configured)`).join(", ");
    expect({ code, output }).toEqual({
      code: 1,
      output:
        `Re-encrypted 120 connection(s) with key ${idB}; 0 changed meanwhile; 22 left on other keys.\n` +
        `Could not open 22 connection(s), left as they were: ${unreadable} and 2 more. Add the key each was sealed with to ` +
        `NEONHUB_CREDENTIALS_PREVIOUS_KEYS and run rotate-key again, or delete the connection (pnpm connections delete --org <organizationId> ` +
        `--connector <id>) and have its organization connect again.\n` +
        `Re-encrypted 0 pending authorization(s) with key ${idB}; 0 used meanwhile; 0 expired and deleted; 1 left on other keys.\n` +
        `Could not open 1 pending authorization(s) (sealed with key(s) ${idC}), left as they were. Add the key they were sealed with to ` +
        `NEONHUB_CREDENTIALS_PREVIOUS_KEYS and run rotate-key again, or run it again once they have expired: it deletes them then.\n` +
        `Re-encrypted 0 grant(s) of confirm completion with key ${idB}; 0 used meanwhile; 0 expired and deleted; 1 left on other keys.\n` +
        `Could not open 1 grant(s) of confirm completion (sealed with key(s) ${idC}), left as they were. Add the key they were sealed with to ` +
        `NEONHUB_CREDENTIALS_PREVIOUS_KEYS and run rotate-key again, or run it again once they have expired: it deletes them then.\n`,
    });
    const onB = (database as NeonhubDatabase).createCredentialStore({ encryptionKey: keyB });
    expect(await onB.countStale()).toBe(22);
    for (let index = 0; index < 120; index += 1) expect((await onB.get(`org_a_${index}`, "hubspot"))?.credentials).toEqual({ accessToken: `at-${index}` });
    for (let index = 0; index < 110; index += 5) expect((await onC.get(`org_c_${index}`, "stripe"))?.credentials).toEqual({ apiKey: `sk-${index}` });
    expect(await pendingOnC.consume(lostState.state)).toEqual(lostState);
    expect(await pendingOnC.consumeGrant(lostGrant.grant)).toEqual(lostGrant);
  }, 120_000);
});
