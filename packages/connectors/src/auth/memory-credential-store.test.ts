import { runCredentialStoreConformanceSuite } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { createMemoryCredentialStore } from "./memory-credential-store.js";

runCredentialStoreConformanceSuite({ name: "memory", createStore: async () => createMemoryCredentialStore() });

describe("memory credential store", () => {
  const connection = { organizationId: "org_1", connector: "slack", authType: "bearer" as const, credentials: { accessToken: "a" }, expiresAt: null };

  it("refuses a maxConnections that is not a positive integer, naming it", () => {
    for (const maxConnections of [0, -1, 2.5]) expect(() => createMemoryCredentialStore({ maxConnections })).toThrow(/^maxConnections must be a positive integer/);
  });

  it("starts with the connections it is given", async () => {
    const store = createMemoryCredentialStore({ connections: [connection] });
    expect(await store.get("org_1", "slack")).toMatchObject({ version: 1, credentials: { accessToken: "a" } });
  });

  it("refuses a connection to start with that no store keeps, when it is created", () => {
    expect(() => createMemoryCredentialStore({ connections: [{ ...connection, organizationId: "org\u0000" }] })).toThrow(/organizationId must not contain the NUL character/);
  });

  it("keeps at most maxConnections, dropping the least recently used", async () => {
    const store = createMemoryCredentialStore({ maxConnections: 2 });
    for (const connector of ["a", "b", "c"]) await store.put({ ...connection, connector });
    expect(await store.get("org_1", "a")).toBeNull();
    expect(await store.get("org_1", "c")).not.toBeNull();
  });
});
