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
 * updates, one winner among concurrent updates of the same version, status changes, copies and deletion.
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

    it("applies an update only at the expected version", async () => {
      await store.put(connection());
      const updated = await store.update(organizationId, "slack", 1, { credentials: { accessToken: "access-2", refreshToken: "refresh-2" }, expiresAt: new Date(Date.UTC(2026, 0, 2)) });
      expect(updated).toMatchObject({ version: 2, credentials: { accessToken: "access-2", refreshToken: "refresh-2" } });
      expect(updated?.expiresAt?.toISOString()).toBe("2026-01-02T00:00:00.000Z");
      expect(await store.update(organizationId, "slack", 1, { credentials: { accessToken: "stale" } })).toBeNull();
      expect((await store.get(organizationId, "slack"))?.credentials.accessToken).toBe("access-2");
      expect(await store.update(organizationId, "missing", 1, { status: "NEEDS_REAUTH" })).toBeNull();
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
      expect(await store.update(organizationId, "slack", 1, { status: "NEEDS_REAUTH" })).toMatchObject({ status: "NEEDS_REAUTH", version: 2, credentials: { accessToken: "access-1" } });
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
