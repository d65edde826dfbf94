import { randomUUID } from "node:crypto";
import { describe, expect, it } from "./vitest-api.js";
import { openStoreAroundSuite, type StoreConformanceOptions } from "./store-conformance-options.js";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { callOutcome } from "./call-outcome.js";
import type { AgentSettingsStore, PutAgentSettingsInput } from "../ports/agent-settings-store.js";

/** Options of {@link runAgentSettingsStoreConformanceSuite}. */
export type AgentSettingsStoreConformanceOptions = StoreConformanceOptions<AgentSettingsStore>;

const BASE_TIME = Date.UTC(2026, 5, 1, 12);

/** A settings write; each call gets a fresh organization so tests do not see each other's settings. */
export function sampleAgentSettingsInput(overrides: Partial<PutAgentSettingsInput> = {}): PutAgentSettingsInput {
  return {
    organizationId: `org-${randomUUID()}`,
    agentName: "sample-agent",
    values: { minImpressions: 100, nested: { tags: ["a", "b"], ratio: 0.25, enabled: true, note: null } },
    updatedBy: "user-1",
    updatedAt: new Date(BASE_TIME),
    ...overrides,
  };
}

/**
 * The behaviour every {@link AgentSettingsStore} adapter must show, including that of writers racing from one
 * version exactly one wins. Call it at the top level of a vitest file:
 * @example
 * runAgentSettingsStoreConformanceSuite({ name: "postgres", createStore: async () => database.agentSettingsStore });
 */
export function runAgentSettingsStoreConformanceSuite(options: AgentSettingsStoreConformanceOptions): void {
  describe(`AgentSettingsStore conformance: ${options.name}`, () => {
    let store!: AgentSettingsStore;
    openStoreAroundSuite(options, (opened) => (store = opened));

    it("declares the port version and is healthy", async () => {
      expect(store.specificationVersion).toBe("v1");
      await expect(store.checkHealth()).resolves.toBeUndefined();
    });

    it("writes settings as version 1, reads them back, and replaces them as a whole with the next version", async () => {
      const first = sampleAgentSettingsInput();
      expect(await store.getAgentSettings(first.organizationId, first.agentName)).toBeNull();
      const written = await store.putAgentSettings(first);
      const expected = { organizationId: first.organizationId, agentName: "sample-agent", values: first.values, version: 1, updatedBy: "user-1", updatedAt: new Date(BASE_TIME) };
      expect(written).toEqual(expected);
      expect(await store.getAgentSettings(first.organizationId, first.agentName)).toEqual(expected);
      const second = await store.putAgentSettings({ ...first, values: { minImpressions: 50 }, updatedBy: "agent:learning-tune", updatedAt: new Date(BASE_TIME + 1_000) });
      expect(second).toEqual({ ...expected, values: { minImpressions: 50 }, version: 2, updatedBy: "agent:learning-tune", updatedAt: new Date(BASE_TIME + 1_000) });
      expect(await store.getAgentSettings(first.organizationId, first.agentName)).toEqual(second);
    });

    it("keeps each organization's and each agent's settings apart", async () => {
      const alpha = sampleAgentSettingsInput({ values: { owner: "alpha" } });
      const beta = sampleAgentSettingsInput({ values: { owner: "beta" } });
      await store.putAgentSettings(alpha);
      await store.putAgentSettings(alpha);
      await store.putAgentSettings(beta);
      await store.putAgentSettings({ ...alpha, agentName: "other-agent", values: { owner: "alpha-other" } });
      expect(await store.getAgentSettings(alpha.organizationId, "sample-agent")).toMatchObject({ values: { owner: "alpha" }, version: 2 });
      expect(await store.getAgentSettings(beta.organizationId, "sample-agent")).toMatchObject({ values: { owner: "beta" }, version: 1 });
      expect(await store.getAgentSettings(alpha.organizationId, "other-agent")).toMatchObject({ values: { owner: "alpha-other" }, version: 1 });
      expect(await store.getAgentSettings(beta.organizationId, "other-agent")).toBeNull();
    });

    it("writes with an expected version only while the stored version is that one", async () => {
      const input = sampleAgentSettingsInput();
      expect(await store.putAgentSettings({ ...input, expectedVersion: 1 })).toBeNull();
      expect(await store.getAgentSettings(input.organizationId, input.agentName)).toBeNull();
      expect(await store.putAgentSettings({ ...input, expectedVersion: 0 })).toMatchObject({ version: 1 });
      expect(await store.putAgentSettings({ ...input, values: { stale: true }, expectedVersion: 0 })).toBeNull();
      expect(await store.putAgentSettings({ ...input, values: { fresh: true }, expectedVersion: 1 })).toMatchObject({ values: { fresh: true }, version: 2 });
      expect(await store.getAgentSettings(input.organizationId, input.agentName)).toMatchObject({ values: { fresh: true }, version: 2 });
    });

    it("lets exactly one of the writers racing from the same version win, and counts every unconditional write", async () => {
      const input = sampleAgentSettingsInput();
      await store.putAgentSettings(input);
      const raced = await Promise.all(Array.from({ length: 5 }, (_, index) => store.putAgentSettings({ ...input, values: { writer: index }, expectedVersion: 1 })));
      const winners = raced.filter((settings) => settings !== null);
      expect(winners).toHaveLength(1);
      expect(await store.getAgentSettings(input.organizationId, input.agentName)).toEqual(winners[0]);
      await Promise.all(Array.from({ length: 5 }, (_, index) => store.putAgentSettings({ ...input, values: { writer: index } })));
      expect(await store.getAgentSettings(input.organizationId, input.agentName)).toMatchObject({ version: 7 });
    });

    it("refuses values that are not a storable JSON object of at most 16 KiB, with a validation error", async () => {
      const input = sampleAgentSettingsInput();
      const refused = [[1, 2], null, "text", { text: "nul \u0000" }, { big: "x".repeat(16 * 1_024) }] as unknown as Array<Record<string, unknown>>;
      for (const values of refused) {
        await expect(store.putAgentSettings({ ...input, values })).rejects.toSatisfy((error) => isNeonhubError(error, "VALIDATION_FAILED"));
      }
      await expect(store.putAgentSettings({ ...input, expectedVersion: -1 })).rejects.toSatisfy((error) => isNeonhubError(error, "VALIDATION_FAILED"));
      expect(await store.getAgentSettings(input.organizationId, input.agentName)).toBeNull();
    });

    it("refuses settings with a NUL character or an unpaired surrogate in the agent's name or the writer's, and writes nothing", async () => {
      const input = sampleAgentSettingsInput();
      await store.putAgentSettings(input);
      // PostgreSQL refuses NUL in a text column, and would keep an unpaired surrogate changed into U+FFFD.
      const refusedTexts = [
        { updatedBy: "user\u0000" },
        { agentName: "sample-agent\u0000" },
        { updatedBy: "user\u0000", expectedVersion: 1 },
        { agentName: "other\u0000", expectedVersion: 0 },
        { updatedBy: "user\uD800" },
        { agentName: "sample-agent\uDC00" },
      ];
      for (const overrides of refusedTexts) {
        const refused = await store.putAgentSettings({ ...input, values: { changed: true }, ...overrides }).catch((error: unknown) => error);
        expect(isNeonhubError(refused, "VALIDATION_FAILED") && !refused.isRetryable).toBe(true);
      }
      expect(await store.getAgentSettings(input.organizationId, input.agentName)).toMatchObject({ values: input.values, version: 1, updatedBy: "user-1" });
    });

    it("refuses a read given a NUL character or an unpaired surrogate in a text, rather than answering what matched", async () => {
      // PostgreSQL refuses a query holding NUL, and would compare an unpaired surrogate changed into U+FFFD: the
      // settings of an agent whose name holds U+FFFD would match. No kept text holds either, so every store refuses both.
      const input = sampleAgentSettingsInput({ agentName: "sample-agent\uFFFD" });
      await store.putAgentSettings(input);
      const lookups = [
        [input.organizationId, "sample-agent\u0000"],
        ["org\u0000", input.agentName],
        [input.organizationId, "sample-agent\uD800"],
        [`${input.organizationId}\uDC00`, input.agentName],
      ] as const;
      const answers = await Promise.all(lookups.map(([organizationId, agentName]) => callOutcome(() => store.getAgentSettings(organizationId, agentName))));
      expect(answers).toEqual(["refused agentName", "refused organizationId", "refused agentName", "refused organizationId"]);
    });

    it("hands out copies that cannot change what is stored", async () => {
      const input = sampleAgentSettingsInput({ values: { list: [1, 2] } });
      const written = await store.putAgentSettings(input);
      (written?.values.list as number[]).push(3);
      (input.values.list as number[]).push(4);
      const read = await store.getAgentSettings(input.organizationId, input.agentName);
      (read?.values.list as number[]).push(5);
      read?.updatedAt.setTime(0);
      expect(await store.getAgentSettings(input.organizationId, input.agentName)).toMatchObject({ values: { list: [1, 2] }, updatedAt: new Date(BASE_TIME) });
    });

    it("reads settings back in their JSON form: a Date as its ISO string", async () => {
      const at = new Date(BASE_TIME);
      const input = sampleAgentSettingsInput({ values: { since: at, gone: undefined } });
      expect((await store.putAgentSettings(input))?.values).toStrictEqual({ since: at.toISOString() });
      expect((await store.getAgentSettings(input.organizationId, input.agentName))?.values).toStrictEqual({ since: at.toISOString() });
    });
  });
}
