import { randomBytes } from "node:crypto";
import { sampleOAuthGrant, sampleOAuthState } from "@neonhub/core/testing";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
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
