import { randomBytes, randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { encryptionKeyId, type NeonhubDatabase } from "../index.js";

const newKey = () => randomBytes(32).toString("base64");

/**
 * The key rotation of connections past rows no configured key opens, on the database `database()` returns, which
 * holds no other connection. Each test deletes the connections it stored, so that the counts of the next one are exact.
 */
export function credentialKeyRotationTests(database: () => NeonhubDatabase): void {
  it("re-encrypts every connection of the previous key past one sealed with a key not configured, which it names and leaves as it was", async () => {
    const [keyA, keyB, keyC] = [newKey(), newKey(), newKey()];
    const stores = {
      onA: database().createCredentialStore({ encryptionKey: keyA }),
      onC: database().createCredentialStore({ encryptionKey: keyC }),
      rotating: database().createCredentialStore({ encryptionKey: keyB, previousKeys: [keyA] }),
      onB: database().createCredentialStore({ encryptionKey: keyB }),
    };
    const organizations = Array.from({ length: 130 }, (_, index) => `org-a-${index}-${randomUUID()}`);
    const lost = `org-c-${randomUUID()}`;
    // Ids are random: the row on key C lands somewhere among the others, which take two batches.
    for (const [index, organizationId] of organizations.entries()) {
      if (index === 65) await stores.onC.put({ organizationId: lost, connector: "stripe", authType: "api_key", credentials: { apiKey: "sk_c" }, expiresAt: null });
      await stores.onA.put({ organizationId, connector: "hubspot", authType: "oauth2", credentials: { accessToken: `at-${index}` }, expiresAt: null });
    }

    const expected = {
      reencrypted: 130,
      skipped: 0,
      unreadable: 1,
      unreadableConnections: [{ organizationId: lost, connector: "stripe", keyId: encryptionKeyId(keyC), reason: "key_not_configured" }],
    };
    expect(await stores.rotating.reencrypt()).toEqual(expected);
    expect(await stores.onB.countStale()).toBe(1);
    for (const [index, organizationId] of organizations.entries()) {
      expect((await stores.onB.get(organizationId, "hubspot"))?.credentials).toEqual({ accessToken: `at-${index}` });
    }
    await expect(stores.onB.get(lost, "stripe")).rejects.toMatchObject({ code: "STORE_UNAVAILABLE", reason: "key_not_configured" });
    expect(await stores.onC.get(lost, "stripe")).toMatchObject({ version: 1, credentials: { apiKey: "sk_c" } });
    // Nothing else is left to do: a second run finds only the same row.
    expect(await stores.rotating.reencrypt()).toEqual({ ...expected, reencrypted: 0 });

    for (const organizationId of [...organizations, lost]) await stores.onB.delete(organizationId, organizations.includes(organizationId) ? "hubspot" : "stripe");
  }, 120_000);

  it("names the first 20 connections it cannot open and counts the others", async () => {
    const [keyA, keyB, keyC] = [newKey(), newKey(), newKey()];
    const onC = database().createCredentialStore({ encryptionKey: keyC });
    const organizations = Array.from({ length: 23 }, () => `org-c-${randomUUID()}`);
    for (const organizationId of organizations) await onC.put({ organizationId, connector: "stripe", authType: "api_key", credentials: { apiKey: "sk_c" }, expiresAt: null });

    const result = await database().createCredentialStore({ encryptionKey: keyB, previousKeys: [keyA] }).reencrypt();

    expect(result).toMatchObject({ reencrypted: 0, skipped: 0, unreadable: 23 });
    expect(result.unreadableConnections).toHaveLength(20);
    expect(new Set(result.unreadableConnections.map((connection) => connection.organizationId)).size).toBe(20);
    for (const connection of result.unreadableConnections) expect(organizations).toContain(connection.organizationId);
    for (const organizationId of organizations) await onC.delete(organizationId, "stripe");
  });
}
