import { randomBytes } from "node:crypto";
import { sampleOAuthGrant, sampleOAuthState } from "@neonhub/core/testing";
import { encryptionKeyId, openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConnectionsCommand } from "./run-connections-command.js";

describe("connections set", () => {
  let dataDir: string;
  const credentialsKey = randomBytes(32).toString("base64");
  const set = (expiresAt: string) =>
    runConnectionsCommand(
      ["set", "--org", "org_cli", "--connector", "stripe"],
      { NEONHUB_DATA_DIR: dataDir, NEONHUB_CREDENTIALS_KEY: credentialsKey },
      () => undefined,
      async () => JSON.stringify({ credentials: { apiKey: "sk_test_cli" }, expiresAt }),
    );

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-connections-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses an expiresAt outside years 1 to 9999 in UTC, naming expiresAt, before the database is opened", async () => {
    for (const expiresAt of ["+275760-09-13T00:00:00.000Z", "9999-12-31T23:59:59-01:00", "0000-12-31T23:59:59.999Z"]) {
      await expect(set(expiresAt), expiresAt).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "expiresAt" }] });
    }
    // The embedded database would have been created in the data folder.
    expect(await readdir(dataDir)).toEqual([]);
  });
});

describe("the connections command's options", () => {
  it("refuses an option its command does not take, before reading input or opening a database", async () => {
    const output: string[] = [];
    const dataDir = join(tmpdir(), `neonhub-connections-never-opened-${randomBytes(6).toString("hex")}`);
    const run = (...argv: string[]) =>
      runConnectionsCommand(argv, { NEONHUB_DATA_DIR: dataDir, NEONHUB_CREDENTIALS_KEY: randomBytes(32).toString("base64") }, (text) => void output.push(text), async () => {
        throw new Error("standard input must not be read");
      });
    expect(await run("delete", "--org", "org_cli", "--connector", "stripe", "--file", "creds.json")).toBe(2);
    expect(output.pop()).toMatch(/^"delete" takes no --file\./);
    expect(await run("rotate-key", "--org", "org_cli")).toBe(2);
    expect(output.pop()).toMatch(/^"rotate-key" takes no --org\./);
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("connections rotate-key on the embedded database", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-connections-rotate-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("re-seals a connection, a pending authorization and a grant with the new key, and deletes an expired authorization", async () => {
    const oldKey = randomBytes(32).toString("base64");
    const newKey = randomBytes(32).toString("base64");
    const state = sampleOAuthState();
    const grant = sampleOAuthGrant();
    const expired = sampleOAuthState({ expiresAt: new Date(Date.UTC(2020, 0, 1)) });
    const seeding = await openNeonhubDatabase({ embedded: { dataDir } });
    await seeding.createCredentialStore({ encryptionKey: oldKey }).put({ organizationId: "org_cli", connector: "stripe", authType: "api_key", credentials: { apiKey: "sk_test_cli" }, expiresAt: null });
    const before = seeding.createOAuthStateStore({ encryptionKey: oldKey });
    await before.create(state);
    await before.create(expired);
    await before.createGrant(grant);
    await seeding.close();

    let output = "";
    const code = await runConnectionsCommand(["rotate-key"], { NEONHUB_DATA_DIR: dataDir, NEONHUB_CREDENTIALS_KEY: newKey, NEONHUB_CREDENTIALS_PREVIOUS_KEYS: oldKey }, (text) => (output += text), async () => "");

    const database = await openNeonhubDatabase({ embedded: { dataDir } });
    try {
      const after = database.createOAuthStateStore({ encryptionKey: newKey });
      const keyId = after.currentKeyId;
      expect({ code, output }).toEqual({
        code: 0,
        output:
          `Re-encrypted 1 connection(s) with key ${keyId}; 0 changed meanwhile; 0 left on other keys.\n` +
          `Re-encrypted 1 pending authorization(s) with key ${keyId}; 0 used meanwhile; 1 expired and deleted; 0 left on other keys.\n` +
          `Re-encrypted 1 grant(s) of confirm completion with key ${keyId}; 0 used meanwhile; 0 expired and deleted; 0 left on other keys.\n`,
      });
      expect((await database.createCredentialStore({ encryptionKey: newKey }).get("org_cli", "stripe"))?.credentials).toEqual({ apiKey: "sk_test_cli" });
      expect(await after.consume(state.state)).toEqual(state);
      expect(await after.consumeGrant(grant.grant)).toEqual(grant);
      expect(await after.consume(expired.state)).toBeNull();
    } finally {
      await database.close();
    }
  }, 120_000);
});

describe("connections rotate-key past rows no configured key opens, on the embedded database", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-connections-rotate-unreadable-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("re-seals every row of the previous key, names the connection and counts the authorization sealed with a key not configured, and exits 1 until they are gone", async () => {
    const [keyA, keyB, keyC] = [randomBytes(32).toString("base64"), randomBytes(32).toString("base64"), randomBytes(32).toString("base64")];
    const lostState = sampleOAuthState({ organizationId: "org_c" });
    const grant = sampleOAuthGrant({ organizationId: "org_a" });
    const seeding = await openNeonhubDatabase({ embedded: { dataDir } });
    const onA = seeding.createCredentialStore({ encryptionKey: keyA });
    await onA.put({ organizationId: "org_a", connector: "hubspot", authType: "oauth2", credentials: { accessToken: "at_a" }, expiresAt: null });
    await seeding.createCredentialStore({ encryptionKey: keyC }).put({ organizationId: "org_c", connector: "stripe", authType: "api_key", credentials: { apiKey: "sk_c" }, expiresAt: null });
    await onA.put({ organizationId: "org_b", connector: "slack", authType: "bearer", credentials: { accessToken: "xoxb_b" }, expiresAt: null });
    await seeding.createOAuthStateStore({ encryptionKey: keyC }).create(lostState);
    await seeding.createOAuthStateStore({ encryptionKey: keyA }).createGrant(grant);
    await seeding.close();

    let output = "";
    const code = await runConnectionsCommand(["rotate-key"], { NEONHUB_DATA_DIR: dataDir, NEONHUB_CREDENTIALS_KEY: keyB, NEONHUB_CREDENTIALS_PREVIOUS_KEYS: keyA }, (text) => (output += text), async () => "");

    const [idB, idC] = [encryptionKeyId(keyB), encryptionKeyId(keyC)];
    expect({ code, output }).toEqual({
      code: 1,
      output:
        `Re-encrypted 2 connection(s) with key ${idB}; 0 changed meanwhile; 1 left on other keys.\n` +
        `Could not open 1 connection(s), left as they were: org_c/stripe (key ${idC}, not configured). Add the key each was sealed with to ` +
        `NEONHUB_CREDENTIALS_PREVIOUS_KEYS and run rotate-key again, or delete the connection (pnpm connections delete --org <organizationId> ` +
        `--connector <id>) and have its organization connect again.\n` +
        `Re-encrypted 0 pending authorization(s) with key ${idB}; 0 used meanwhile; 0 expired and deleted; 1 left on other keys.\n` +
        `Could not open 1 pending authorization(s) (sealed with key(s) ${idC}), left as they were. Add the key they were sealed with to ` +
        `NEONHUB_CREDENTIALS_PREVIOUS_KEYS and run rotate-key again, or run it again once they have expired: it deletes them then.\n` +
        `Re-encrypted 1 grant(s) of confirm completion with key ${idB}; 0 used meanwhile; 0 expired and deleted; 0 left on other keys.\n`,
    });
    const database = await openNeonhubDatabase({ embedded: { dataDir } });
    try {
      const onB = database.createCredentialStore({ encryptionKey: keyB });
      expect((await onB.get("org_a", "hubspot"))?.credentials).toEqual({ accessToken: "at_a" });
      expect((await onB.get("org_b", "slack"))?.credentials).toEqual({ accessToken: "xoxb_b" });
      expect(await database.createOAuthStateStore({ encryptionKey: keyB }).consumeGrant(grant.grant)).toEqual(grant);
      // The rows of key C are as they were: key C still opens them.
      expect((await database.createCredentialStore({ encryptionKey: keyC }).get("org_c", "stripe"))?.credentials).toEqual({ apiKey: "sk_c" });
      expect(await database.createOAuthStateStore({ encryptionKey: keyC }).consume(lostState.state)).toEqual(lostState);
    } finally {
      await database.close();
    }

    // The operator deletes the connection no key opens; the next rotation has nothing left to do.
    const environment = { NEONHUB_DATA_DIR: dataDir, NEONHUB_CREDENTIALS_KEY: keyB, NEONHUB_CREDENTIALS_PREVIOUS_KEYS: keyA };
    output = "";
    expect(await runConnectionsCommand(["delete", "--org", "org_c", "--connector", "stripe"], environment, (text) => (output += text), async () => "")).toBe(0);
    expect(output).toBe("Deleted the stripe connection of org_c; revocation at the provider: not_offered.\n");
    output = "";
    expect(await runConnectionsCommand(["rotate-key"], environment, (text) => (output += text), async () => "")).toBe(0);
    expect(output).toBe(
      `Re-encrypted 0 connection(s) with key ${idB}; 0 changed meanwhile; 0 left on other keys.\n` +
        `Re-encrypted 0 pending authorization(s) with key ${idB}; 0 used meanwhile; 0 expired and deleted; 0 left on other keys.\n` +
        `Re-encrypted 0 grant(s) of confirm completion with key ${idB}; 0 used meanwhile; 0 expired and deleted; 0 left on other keys.\n`,
    );
  }, 120_000);
});
