import { randomBytes, randomUUID } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import { isNeonhubError } from "@neonhub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { createEmbeddedPglite } from "./embedded-extensions.js";
import { SEED_AGENTS, SEED_CONNECTORS } from "../tooling/seed-data.js";
import { seedConnection } from "../tooling/seed-from-environment.js";
import { createScratchFolder } from "../tooling/scratch-database.js";
import { resolveConnection } from "./connection-options.js";

// One embedded database for the whole file: its first open (initdb) is the slow part.
const folder = await createScratchFolder();
let database: NeonhubDatabase;
beforeAll(async () => {
  database = await openNeonhubDatabase({ embedded: { dataDir: folder.path } });
});
afterAll(async () => {
  await database?.close();
  await folder.remove();
});

/** Reads the folder directly, with the shared database closed for the moment (PGlite allows one opener). */
async function withRawDatabase<T>(work: (raw: PGlite) => Promise<T>): Promise<T> {
  await database.close();
  const raw = await createEmbeddedPglite(folder.path);
  try {
    return await work(raw);
  } finally {
    await raw.close();
    database = await openNeonhubDatabase({ embedded: { dataDir: folder.path } });
  }
}

describe("embedded database", () => {
  it("is migrated on open", async () => {
    expect(await database.pendingMigrations()).toEqual([]);
    await expect(database.checkHealth()).resolves.toBeUndefined();
  });

  it("seeds the example agents and the connector catalog, and seeding twice changes nothing", async () => {
    await database.close();
    await seedConnection(resolveConnection({ embedded: { dataDir: folder.path } }));
    await seedConnection(resolveConnection({ embedded: { dataDir: folder.path } }));
    database = await openNeonhubDatabase({ embedded: { dataDir: folder.path } });
    const counts = await withRawDatabase(async (raw) => ({
      agents: (await raw.query<{ name: string }>('SELECT "name" FROM "Agent" ORDER BY "name"')).rows.map((row) => row.name),
      connectors: (await raw.query<{ count: number }>('SELECT count(*)::int AS "count" FROM "Connector"')).rows[0]?.count,
    }));
    expect(counts.agents).toEqual(SEED_AGENTS.map((agent) => agent.name).sort());
    expect(counts.connectors).toBe(16);
    expect(SEED_CONNECTORS.map((connector) => connector.kind)).toContain("GOOGLE_SEARCH_CONSOLE");
  });
});

describe("credential store", () => {
  const encryptionKey = randomBytes(32).toString("base64");

  it("rejects an encryption key that is not 32 bytes", () => {
    for (const key of ["", "short", randomBytes(16).toString("hex"), randomBytes(31).toString("base64")]) {
      expect(() => database.createCredentialStore({ encryptionKey: key })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID" }));
    }
    expect(() => database.createCredentialStore({ encryptionKey: randomBytes(32).toString("hex") })).not.toThrow();
  });

  it("stores credentials encrypted at rest and reads them back", async () => {
    const organizationId = `org-${randomUUID()}`;
    const store = database.createCredentialStore({ encryptionKey });
    await store.put({ organizationId, connector: "slack", authType: "oauth2", credentials: { accessToken: "xoxb-very-secret", refreshToken: "refresh-secret" }, expiresAt: null });
    expect((await store.get(organizationId, "slack"))?.credentials).toEqual({ accessToken: "xoxb-very-secret", refreshToken: "refresh-secret" });
    const sealed = await withRawDatabase(async (raw) => (await raw.query<{ sealed: string }>('SELECT "encryptedCredentials" AS "sealed" FROM "ConnectorAuth" WHERE "organizationId" = $1', [organizationId])).rows[0]?.sealed);
    expect(sealed).toBeDefined();
    expect(sealed).not.toContain("secret");
    expect(Buffer.from(sealed!, "base64").toString("latin1")).not.toContain("secret");
  });

  it("refuses to decrypt with another key", async () => {
    const organizationId = `org-${randomUUID()}`;
    await database.createCredentialStore({ encryptionKey }).put({ organizationId, connector: "x", authType: "bearer", credentials: { accessToken: "t" }, expiresAt: null });
    const other = database.createCredentialStore({ encryptionKey: randomBytes(32).toString("base64") });
    await expect(other.get(organizationId, "x")).rejects.toSatisfy((error) => isNeonhubError(error, "STORE_UNAVAILABLE") && !error.isRetryable);
  });

  it("runs exclusive updates one after the other on the embedded database too", async () => {
    const organizationId = `org-${randomUUID()}`;
    const store = database.createCredentialStore({ encryptionKey });
    await store.put({ organizationId, connector: "x", authType: "oauth2", credentials: { accessToken: "a0" }, expiresAt: null });
    const seen: string[] = [];
    const results = await Promise.all(
      ["a1", "a2"].map((token) =>
        store.updateExclusively(organizationId, "x", async (current) => {
          seen.push(current.credentials.accessToken ?? "");
          return { credentials: { accessToken: token } };
        }),
      ),
    );
    expect(results.map((result) => result?.version).sort()).toEqual([2, 3]);
    expect(seen[0]).toBe("a0");
    expect(new Set(seen).size).toBe(2);
  });

  it("applies compare-and-swap updates only on the expected version", async () => {
    const organizationId = `org-${randomUUID()}`;
    const store = database.createCredentialStore({ encryptionKey });
    const first = await store.put({ organizationId, connector: "google_ads", authType: "oauth2", credentials: { accessToken: "a1" }, expiresAt: new Date(1_000) });
    expect(first.version).toBe(1);
    const racers = await Promise.all([
      store.update(organizationId, "google_ads", 1, { credentials: { accessToken: "a2" }, expiresAt: new Date(2_000) }),
      store.update(organizationId, "google_ads", 1, { credentials: { accessToken: "a3" } }),
    ]);
    expect(racers.filter((result) => result !== null)).toHaveLength(1);
    const stored = await store.get(organizationId, "google_ads");
    expect(stored?.version).toBe(2);
    expect(await store.update(organizationId, "google_ads", 2, { status: "EXPIRED" })).toMatchObject({ status: "EXPIRED", version: 3 });
    expect((await store.put({ organizationId, connector: "google_ads", authType: "oauth2", credentials: { accessToken: "b" }, expiresAt: null })).version).toBe(4);
    expect(await store.get(`org-${randomUUID()}`, "google_ads")).toBeNull();
    expect(await store.delete(organizationId, "google_ads")).toBe(true);
    expect(await store.delete(organizationId, "google_ads")).toBe(false);
  });
});

describe("errors", () => {
  it("rejects an invalid run before writing anything", async () => {
    const failure = await database.runStore
      .createRun({ id: "", agentName: "a", agentVersion: "1", organizationId: "org", userId: "u", intent: null, input: {}, idempotencyKey: null, requestHash: null, status: "DONE" as "RUNNING", createdAt: new Date(Number.NaN), startedAt: null, traceId: null, parentRunId: null, lease: null })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "id" }, { path: "status" }, { path: "createdAt" }] });
  });

  it("rejects invalid options before opening anything", async () => {
    await expect(openNeonhubDatabase({ url: "mysql://nope" })).rejects.toMatchObject({ code: "CONFIGURATION_INVALID" });
    await expect(openNeonhubDatabase({ embedded: { dataDir: "" } })).rejects.toMatchObject({ code: "CONFIGURATION_INVALID" });
    await expect(openNeonhubDatabase({} as never)).rejects.toMatchObject({ code: "CONFIGURATION_INVALID" });
  });

  it("reports an unreachable server as STORE_UNAVAILABLE without leaking driver text", async () => {
    const unreachable = await openNeonhubDatabase({ url: "postgres://nobody@127.0.0.1:9/none" });
    try {
      const failure = await unreachable.runStore.getRun("org", "run").catch((error: unknown) => error);
      expect(isNeonhubError(failure, "STORE_UNAVAILABLE")).toBe(true);
      expect((failure as Error).message).toBe("The database is unavailable: could not read the run because the connection to it failed.");
      await expect(unreachable.checkHealth()).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
    } finally {
      await unreachable.close();
    }
  });

  it("fails only the bad write of a batch of concurrent creates", async () => {
    const organizationId = `org-${randomUUID()}`;
    const inputs = Array.from({ length: 5 }, (_, index) => ({
      id: randomUUID(), agentName: "a", agentVersion: "1", organizationId, userId: "u", intent: null,
      // PostgreSQL's jsonb refuses the NUL character, so this one write fails in the database.
      input: { text: index === 2 ? "a\u0000b" : "fine" }, idempotencyKey: null, requestHash: null, status: "RUNNING" as const, createdAt: new Date(), startedAt: new Date(), traceId: null, parentRunId: null, lease: null,
    }));
    const results = await Promise.allSettled(inputs.map((input) => database.runStore.createRun(input)));
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: "VALIDATION_FAILED", isRetryable: false });
    expect((await database.runStore.listRuns({ organizationId, limit: 10 })).runs).toHaveLength(4);
  });

  it("reports values the database refuses as VALIDATION_FAILED, never STORE_UNAVAILABLE", async () => {
    const failures = await Promise.all([
      database.runStore.listRuns({ organizationId: "org", limit: 10, createdAfter: new Date("0000-01-01T00:00:00Z") }).catch((error: unknown) => error),
      database.runStore.listRuns({ organizationId: "org", limit: 10, agentName: "\u0000" }).catch((error: unknown) => error),
      database.runStore.getRun("org", "run\u0000").catch((error: unknown) => error),
    ]);
    for (const failure of failures) expect(failure).toMatchObject({ code: "VALIDATION_FAILED", isRetryable: false });
    // The year is refused by the database; a NUL in a text looked up is refused by the store itself, naming the field.
    expect(failures.map((failure) => (failure as { details: { sqlState?: string; fieldErrors?: Array<{ path: string }> } }).details)).toEqual([
      expect.objectContaining({ sqlState: "22008" }),
      expect.objectContaining({ fieldErrors: [expect.objectContaining({ path: "agentName" })] }),
      expect.objectContaining({ fieldErrors: [expect.objectContaining({ path: "runId" })] }),
    ]);
    await expect(database.checkHealth()).resolves.toBeUndefined();
  });
});
