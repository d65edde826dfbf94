import { describe, expect, it } from "vitest";
import { createMemoryCredentialStore } from "./memory-credential-store.js";

const connection = { organizationId: "org_1", connector: "slack", authType: "bearer" as const, credentials: { accessToken: "a" }, expiresAt: null };

describe("memory credential store", () => {
  it("writes with compare-and-swap on version", async () => {
    const store = createMemoryCredentialStore();
    expect(await store.put(connection)).toMatchObject({ version: 1, status: "ACTIVE" });
    expect(await store.update("org_1", "slack", 1, { credentials: { accessToken: "b" } })).toMatchObject({ version: 2, credentials: { accessToken: "b" } });
    expect(await store.update("org_1", "slack", 1, { credentials: { accessToken: "c" } })).toBeNull();
    expect((await store.get("org_1", "slack"))?.credentials.accessToken).toBe("b");
    expect(await store.put(connection)).toMatchObject({ version: 3 });
  });

  it("returns copies that callers cannot change, and forgets deleted connections", async () => {
    const store = createMemoryCredentialStore({ connections: [connection] });
    const read = await store.get("org_1", "slack");
    if (read) read.credentials.accessToken = "changed";
    expect((await store.get("org_1", "slack"))?.credentials.accessToken).toBe("a");
    expect(await store.delete("org_1", "slack")).toBe(true);
    expect(await store.get("org_1", "slack")).toBeNull();
  });

  it("keeps at most maxConnections, dropping the least recently used", async () => {
    const store = createMemoryCredentialStore({ maxConnections: 2 });
    for (const connector of ["a", "b", "c"]) await store.put({ ...connection, connector });
    expect(await store.get("org_1", "a")).toBeNull();
    expect(await store.get("org_1", "c")).not.toBeNull();
  });
});
