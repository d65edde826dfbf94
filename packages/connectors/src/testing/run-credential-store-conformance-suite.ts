import type { CredentialStore } from "@neonhub/core";
import { afterEach, beforeEach, describe, expect, it } from "./vitest-api.js";

/** Options of {@link runCredentialStoreConformanceSuite}. */
export interface CredentialStoreConformanceOptions {
  name: string;
  /** A store with no connections of the organizations the suite uses (`org_conformance_*`). */
  createStore: () => Promise<CredentialStore>;
  destroyStore?: (store: CredentialStore) => Promise<void>;
}

/**
 * Registers a vitest suite every `CredentialStore` adapter runs: create and replace with versions, compare-and-swap
 * updates, one winner among concurrent updates of the same version, exclusive updates that run one at a time,
 * status changes, use records, lists without secrets, copies and deletion.
 * @example
 * runCredentialStoreConformanceSuite({ name: "prisma", createStore: async () => createPrismaCredentialStore(...) });
 */
export function runCredentialStoreConformanceSuite(options: CredentialStoreConformanceOptions): void {
  describe(`CredentialStore conformance: ${options.name}`, () => {
    let store: CredentialStore;
    let organizationId: string;
    let sequence = 0;
    beforeEach(async () => {
      store = await options.createStore();
      sequence += 1;
      organizationId = `org_conformance_${Date.now().toString(36)}_${sequence}`;
    });
    afterEach(async () => {
      await store.delete(organizationId, "slack");
      await options.destroyStore?.(store);
    });
    const connection = () => ({
      organizationId,
      connector: "slack",
      authType: "oauth2" as const,
      credentials: { accessToken: "access-1", refreshToken: "refresh-1" },
      expiresAt: new Date(Date.UTC(2026, 0, 1)),
    });

    it("declares specification v1 and answers null for an unknown connection", async () => {
      expect(store.specificationVersion).toBe("v1");
      expect(await store.get(organizationId, "slack")).toBeNull();
    });

    it("creates at version 1, ACTIVE, and increments the version on replace", async () => {
      expect(await store.put(connection())).toMatchObject({ version: 1, status: "ACTIVE", credentials: { accessToken: "access-1" } });
      const replaced = await store.put({ ...connection(), credentials: { accessToken: "access-2" }, expiresAt: null });
      expect(replaced).toMatchObject({ version: 2, expiresAt: null, credentials: { accessToken: "access-2" } });
      expect(await store.get(organizationId, "slack")).toEqual(replaced);
    });

    it("stores a connection put without expiresAt as not expiring, also when it replaces one that expired", async () => {
      await store.put(connection());
      const { expiresAt: _expiresAt, ...bearer } = { ...connection(), authType: "bearer" as const, credentials: { accessToken: "static-token" } };
      const replaced = await store.put(bearer);
      expect(replaced).toMatchObject({ version: 2, expiresAt: null, credentials: { accessToken: "static-token" } });
      expect(await store.get(organizationId, "slack")).toEqual(replaced);
    });

    it("applies an update only at the expected version", async () => {
      await store.put(connection());
      const updated = await store.update(organizationId, "slack", 1, { credentials: { accessToken: "access-2", refreshToken: "refresh-2" }, expiresAt: new Date(Date.UTC(2026, 0, 2)) });
      expect(updated).toMatchObject({ version: 2, credentials: { accessToken: "access-2", refreshToken: "refresh-2" } });
      expect(updated?.expiresAt?.toISOString()).toBe("2026-01-02T00:00:00.000Z");
      expect(await store.update(organizationId, "slack", 1, { credentials: { accessToken: "stale" } })).toBeNull();
      expect((await store.get(organizationId, "slack"))?.credentials.accessToken).toBe("access-2");
      expect(await store.update(organizationId, "missing", 1, { status: "EXPIRED" })).toBeNull();
    });

    it("lets exactly one of concurrent updates of the same version win", async () => {
      await store.put(connection());
      const results = await Promise.all(["a", "b", "c", "d"].map((token) => store.update(organizationId, "slack", 1, { credentials: { accessToken: token } })));
      const winners = results.filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      expect((await store.get(organizationId, "slack"))?.credentials.accessToken).toBe(winners[0]?.credentials.accessToken);
    });

    it("changes the status alone and keeps the credentials", async () => {
      await store.put(connection());
      expect(await store.update(organizationId, "slack", 1, { status: "EXPIRED" })).toMatchObject({ status: "EXPIRED", version: 2, credentials: { accessToken: "access-1" } });
    });

    it("runs exclusive updates of one connection one at a time, each seeing the previous one's write", async () => {
      await store.put(connection());
      let inside = 0;
      let most = 0;
      const seen: string[] = [];
      const results = await Promise.all(
        ["a", "b", "c"].map((token) =>
          store.updateExclusively(organizationId, "slack", async (current) => {
            inside += 1;
            most = Math.max(most, inside);
            seen.push(current.credentials.accessToken ?? "");
            await new Promise((resolve) => setTimeout(resolve, 5));
            inside -= 1;
            return { credentials: { accessToken: token } };
          }),
        ),
      );
      expect(most).toBe(1);
      expect(seen[0]).toBe("access-1");
      expect(new Set(seen).size).toBe(3);
      expect(results.map((result) => result?.version).sort()).toEqual([2, 3, 4]);
      expect(await store.updateExclusively(organizationId, "slack", async () => null)).toMatchObject({ version: 4 });
      expect(await store.updateExclusively(organizationId, "missing", async () => ({ status: "EXPIRED" }))).toBeNull();
    });

    it("releases the connection when an exclusive update throws, and writes nothing", async () => {
      await store.put(connection());
      await expect(store.updateExclusively(organizationId, "slack", async () => Promise.reject(new Error("provider down")))).rejects.toThrow("provider down");
      expect(await store.updateExclusively(organizationId, "slack", async () => ({ status: "EXPIRED", lastError: "refused" }))).toMatchObject({
        version: 2,
        status: "EXPIRED",
        lastError: "refused",
      });
    });

    it("records uses without changing the version, lists without secrets, and clears the error on replace", async () => {
      await store.put(connection());
      const at = new Date(Date.UTC(2026, 0, 3));
      await store.recordUse(organizationId, "slack", { at, error: "Slack refused the token." });
      expect(await store.get(organizationId, "slack")).toMatchObject({ version: 1, lastUsedAt: at, lastError: "Slack refused the token." });
      const [listed, ...others] = await store.list(organizationId);
      expect(others).toEqual([]);
      expect(listed).toMatchObject({ connector: "slack", authType: "oauth2", status: "ACTIVE", version: 1, lastUsedAt: at, lastError: "Slack refused the token." });
      expect(listed).not.toHaveProperty("credentials");
      expect(JSON.stringify(listed)).not.toContain("access-1");
      expect(await store.list(`${organizationId}_other`)).toEqual([]);
      expect(await store.put(connection())).toMatchObject({ version: 2, lastError: null, lastUsedAt: at });
    });

    it("returns values that callers cannot change, and deletes", async () => {
      await store.put(connection());
      const read = await store.get(organizationId, "slack");
      if (read !== null) read.credentials.accessToken = "changed in memory";
      expect((await store.get(organizationId, "slack"))?.credentials.accessToken).toBe("access-1");
      expect(await store.delete(organizationId, "slack")).toBe(true);
      expect(await store.delete(organizationId, "slack")).toBe(false);
      expect(await store.get(organizationId, "slack")).toBeNull();
    });
  });
}
