import { runOAuthStateStoreConformanceSuite, sampleOAuthGrant, sampleOAuthState } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { createMemoryOAuthStateStore } from "./memory-oauth-state-store.js";

runOAuthStateStoreConformanceSuite({ name: "memory", createStore: async () => createMemoryOAuthStateStore() });

describe("memory OAuth state store", () => {
  it("refuses a maxStates or maxGrants that is not a positive integer, naming it", () => {
    expect(() => createMemoryOAuthStateStore({ maxStates: 0 })).toThrow(/^maxStates must be a positive integer/);
    expect(() => createMemoryOAuthStateStore({ maxGrants: -1 })).toThrow(/^maxGrants must be a positive integer/);
  });

  it("keeps at most maxStates states and maxGrants grants, dropping the oldest", async () => {
    const store = createMemoryOAuthStateStore({ maxStates: 2, maxGrants: 2 });
    const states = [sampleOAuthState(), sampleOAuthState(), sampleOAuthState()];
    const grants = [sampleOAuthGrant(), sampleOAuthGrant(), sampleOAuthGrant()];
    for (const state of states) await store.create(state);
    for (const grant of grants) await store.createGrant(grant);
    expect(await store.consume(states[0]!.state)).toBeNull();
    expect(await store.consume(states[2]!.state)).toEqual(states[2]);
    expect(await store.consumeGrant(grants[0]!.grant)).toBeNull();
    expect(await store.consumeGrant(grants[2]!.grant)).toEqual(grants[2]);
  });

  it("hands out copies: changing a returned grant's tokens changes nothing stored", async () => {
    const store = createMemoryOAuthStateStore();
    const grant = sampleOAuthGrant();
    await store.createGrant(grant);
    grant.tokens.accessToken = "changed";
    expect((await store.consumeGrant(grant.grant))?.tokens.accessToken).not.toBe("changed");
  });
});
