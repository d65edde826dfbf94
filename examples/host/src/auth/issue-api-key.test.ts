import { isNeonhubError } from "@neonhub/core";
import { createManualClock } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { issueApiKey } from "./issue-api-key.js";
import { createMemoryApiKeyStore } from "./memory-api-key-store.js";

const NOW = Date.UTC(2026, 5, 1, 12);
const owner = { organizationId: "org_a", userId: "user_a", name: "ci" };

describe("issueApiKey with an expiry", () => {
  it("stores a future expiry, and none when left out", async () => {
    const store = createMemoryApiKeyStore();
    const clock = createManualClock(NOW);
    expect((await issueApiKey(store, { ...owner, expiresAt: new Date(NOW + 1) }, { clock })).record.expiresAt).toEqual(new Date(NOW + 1));
    expect((await issueApiKey(store, { ...owner, expiresAt: new Date("9999-12-31T23:59:59.999Z") }, { clock })).record.expiresAt).toEqual(new Date("9999-12-31T23:59:59.999Z"));
    expect((await issueApiKey(store, owner, { clock })).record.expiresAt).toBeNull();
  });

  it("refuses an expiry that has passed or that no store can hold, before storing anything", async () => {
    const store = createMemoryApiKeyStore();
    const clock = createManualClock(NOW);
    for (const expiresAt of [new Date(NOW), new Date(NOW - 1), new Date("+010000-01-01T00:00:00.000Z"), new Date(Number.NaN)]) {
      const failure = await issueApiKey(store, { ...owner, expiresAt }, { clock }).catch((error: unknown) => error);
      expect(isNeonhubError(failure) && failure.code).toBe("VALIDATION_FAILED");
    }
    expect(await store.list("org_a")).toEqual([]);
  });
});
