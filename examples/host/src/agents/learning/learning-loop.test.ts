import { createConnectorClient } from "@neonhub/connectors";
import { createMemoryAgentSettingsStore, createMemoryRunStore, type AgentRun, type AgentSettingsStore } from "@neonhub/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestHost, type TestHost } from "../../testing/create-test-host.js";
import { createExampleAgents } from "../example-agents.js";
import { LEARNING_TUNE_WRITER } from "./learning-tune.js";

// One query well above the default threshold of 100 impressions and three below it, all in striking distance.
const rows = [
  { keys: ["neon signs"], clicks: 40, impressions: 4_000, ctr: 0.01, position: 8.2 },
  { keys: ["neon bar sign"], clicks: 0, impressions: 80, ctr: 0, position: 9 },
  { keys: ["custom neon"], clicks: 0, impressions: 60, ctr: 0, position: 12 },
  { keys: ["neon art"], clicks: 0, impressions: 40, ctr: 0, position: 15 },
];
const seoInput = { siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" };

interface LoopHost {
  host: TestHost;
  settings: AgentSettingsStore;
  run(headers: { authorization: string }, agent: string, input: unknown): Promise<AgentRun>;
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A host on memory stores whose examples include the learning loop; tuning periods end an hour from now. */
async function startLoopHost(settings: AgentSettingsStore = createMemoryAgentSettingsStore()): Promise<LoopHost> {
  const connectors = createConnectorClient({ mode: "mock", mock: { fixtures: [{ connector: "google-search-console", action: "querySearchAnalytics", output: { items: rows, nextCursor: null, responseAggregationType: "byProperty" } }] } });
  const store = createMemoryRunStore();
  const clock = { now: () => Date.now() + 3_600_000 };
  const host = await createTestHost({ agents: createExampleAgents(connectors, { runs: store, settings, clock }), store });
  close = async () => {
    await host.app.close();
    await connectors.close();
  };
  const run = async (headers: { authorization: string }, agent: string, input: unknown): Promise<AgentRun> => {
    const started = await host.app.inject({ method: "POST", url: "/v1/runs", headers, payload: { agent, input } });
    expect([200, 202]).toContain(started.statusCode);
    let finished: AgentRun | undefined;
    await vi.waitFor(async () => {
      finished = (await host.app.inject({ method: "GET", url: `/v1/runs/${started.json().id}`, headers })).json();
      expect(finished?.status).toBe("COMPLETED");
    }, { timeout: 10_000, interval: 20 });
    return finished as AgentRun;
  };
  return { host, settings, run };
}

const queries = (run: AgentRun) => (run.output as { opportunities: Array<{ query: string }> }).opportunities.map((opportunity) => opportunity.query);

describe("the learning loop through the host", () => {
  it("tunes seo-analyst from its runs, and its next run finds more opportunities because of the setting it wrote", async () => {
    const { host, settings, run } = await startLoopHost();
    const before = await run(host.alpha, "seo-analyst", seoInput);
    expect(queries(before)).toEqual(["neon signs"]);
    expect(before.output).toMatchObject({ minImpressions: { value: 100, source: "default", settingsVersion: null } });

    const tuning = await run(host.alpha, "learning-tune", {});
    expect(tuning.output).toMatchObject({ agent: "seo-analyst", runs: 1, successRate: 1, change: "lowered", settings: { minImpressions: 50 }, version: 1 });
    expect(await settings.getAgentSettings("org_alpha", "seo-analyst")).toMatchObject({ values: { minImpressions: 50 }, version: 1, updatedBy: LEARNING_TUNE_WRITER });

    const after = await run(host.alpha, "seo-analyst", seoInput);
    expect(queries(after)).toEqual(["neon signs", "neon bar sign", "custom neon"]);
    expect(after.output).toMatchObject({ minImpressions: { value: 50, source: "settings", settingsVersion: 1 } });
    // The settings step is journaled: the run records the version it read.
    const steps = (await host.app.inject({ method: "GET", url: `/v1/runs/${after.id}`, headers: host.alpha })).json().steps as Array<{ key: string }>;
    expect(steps.map((step) => step.key)).toContain("settings");

    // An input threshold still wins, and another organization's runs keep the default.
    expect((await run(host.alpha, "seo-analyst", { ...seoInput, minImpressions: 1_000 })).output).toMatchObject({ minImpressions: { value: 1_000, source: "input" } });
    const beta = await run(host.beta, "seo-analyst", seoInput);
    expect(queries(beta)).toEqual(["neon signs"]);
  });

  it("writes nothing over a change it did not read, and reports the conflict", async () => {
    const inner = createMemoryAgentSettingsStore();
    let armed = false;
    // Once armed, a person saves the settings right after they are read (by learning-tune, the next reader).
    const racing: AgentSettingsStore = {
      ...inner,
      getAgentSettings: async (organizationId, agentName) => {
        const read = await inner.getAgentSettings(organizationId, agentName);
        if (armed) await inner.putAgentSettings({ organizationId, agentName, values: { minImpressions: 500 }, updatedBy: "user_alpha", updatedAt: new Date() });
        return read;
      },
    };
    const { host, run } = await startLoopHost(racing);
    await run(host.alpha, "seo-analyst", seoInput);
    armed = true;
    const tuning = await run(host.alpha, "learning-tune", { agent: "seo-analyst", periodDays: 7 });
    expect(tuning.output).toMatchObject({ change: "conflict", version: 0 });
    expect(await inner.getAgentSettings("org_alpha", "seo-analyst")).toMatchObject({ values: { minImpressions: 500 }, updatedBy: "user_alpha" });
  });

  it("refuses to tune an agent it has no rule for", async () => {
    const { host } = await startLoopHost();
    const response = await host.app.inject({ method: "POST", url: "/v1/runs", headers: host.alpha, payload: { agent: "learning-tune", input: { agent: "budget-guard" } } });
    expect(response.statusCode).toBe(400);
  });
});
