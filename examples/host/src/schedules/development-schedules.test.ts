import { createMemoryAgentSettingsStore, createMemoryRunStore, createMemoryScheduleStore, createScheduleManager } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { createExampleAgents } from "../agents/example-agents.js";
import { DEVELOPMENT_CALLER } from "../auth/provision-development-key.js";
import { DEVELOPMENT_SCHEDULES, provisionDevelopmentSchedules } from "./development-schedules.js";

describe("development schedules", () => {
  const agents = createExampleAgents({} as never);
  const setup = () => createScheduleManager({ store: createMemoryScheduleStore(), agents });

  it("schedules the SEO analytics report daily for the development organization, with an input its agent accepts", async () => {
    const schedules = setup();
    const created = await provisionDevelopmentSchedules(schedules, agents.map((agent) => agent.name), { enabled: true });
    expect(created).toEqual([
      expect.objectContaining({ organizationId: DEVELOPMENT_CALLER.organizationId, createdBy: DEVELOPMENT_CALLER.userId, agentName: "seo-analyst", cron: "0 6 * * *", enabled: true }),
    ]);
  });

  it("creates the weekly learning.tune schedule when the host's stores give the examples learning-tune, and can leave them disabled", async () => {
    expect(DEVELOPMENT_SCHEDULES.map((schedule) => [schedule.agent, schedule.cron])).toEqual([
      ["seo-analyst", "0 6 * * *"],
      ["learning-tune", "0 3 * * 1"],
    ]);
    const withLearning = createExampleAgents({} as never, { runs: createMemoryRunStore(), settings: createMemoryAgentSettingsStore() });
    const schedules = createScheduleManager({ store: createMemoryScheduleStore(), agents: withLearning });
    const created = await provisionDevelopmentSchedules(schedules, withLearning.map((agent) => agent.name), { enabled: false });
    expect(created.map((schedule) => [schedule.agentName, schedule.enabled])).toEqual([
      ["seo-analyst", false],
      ["learning-tune", false],
    ]);
  });
});
