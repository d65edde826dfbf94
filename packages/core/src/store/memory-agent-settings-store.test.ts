import { describe, expect, it } from "vitest";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { runAgentSettingsStoreConformanceSuite, sampleAgentSettingsInput } from "../testing/index.js";
import { createMemoryAgentSettingsStore } from "./memory-agent-settings-store.js";

runAgentSettingsStoreConformanceSuite({ name: "memory", createStore: async () => createMemoryAgentSettingsStore() });

describe("memory agent settings store bounds", () => {
  it("refuses the settings of one agent more than maxEntries, and still rewrites those it keeps", async () => {
    const store = createMemoryAgentSettingsStore({ maxEntries: 2 });
    const kept = [sampleAgentSettingsInput(), sampleAgentSettingsInput()];
    for (const input of kept) await store.putAgentSettings(input);
    const refused = await store.putAgentSettings(sampleAgentSettingsInput()).catch((error: unknown) => error);
    expect(isNeonhubError(refused, "STORE_UNAVAILABLE")).toBe(true);
    await expect(store.putAgentSettings(kept[0]!)).resolves.toMatchObject({ version: 2 });
    expect(() => createMemoryAgentSettingsStore({ maxEntries: 0 })).toThrow(/maxEntries/);
  });
});
