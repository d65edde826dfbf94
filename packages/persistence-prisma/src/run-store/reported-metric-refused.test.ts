import { createOrchestrator, defineAgent } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { embeddedDatabaseAroundSuite } from "../test-support/embedded-database-around-suite.js";

const context = { userId: "u1", organizationId: "org-metrics" };

describe("a metric the database cannot hold, reported by a handler", () => {
  const database = embeddedDatabaseAroundSuite();

  it("fails the run at the call, recorded as FAILED, instead of leaving it RUNNING for a takeover", async () => {
    const clickRate = defineAgent({
      name: "click-rate",
      version: "1.0.0",
      description: "Reports clicks per impression",
      input: z.object({ clicks: z.number(), impressions: z.number() }),
      output: z.object({}),
      policies: { retry: { attempts: 1 } },
      handle: async (input, ctx) => {
        ctx.reportMetric("click_rate", input.clicks / input.impressions, "ratio");
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [clickRate], store: database().runStore, durability: { sweepIntervalMs: 0 } });
    const failure = await orchestrator.orchestrate({ agent: "click-rate", input: { clicks: 0, impressions: 0 }, context }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "VALIDATION_FAILED", details: { fieldErrors: [{ path: "value", message: "Must be a finite number" }] } });
    const run = await database().runStore.getRun(context.organizationId, (failure as { runId: string }).runId);
    expect(run).toMatchObject({ status: "FAILED", error: { code: "VALIDATION_FAILED" } });
    await orchestrator.drain({ deadlineMs: 1_000 });
  });
});
