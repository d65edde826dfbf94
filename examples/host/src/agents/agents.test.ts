import { createConnectorClient } from "@neonhub/connectors";
import { createMemoryRunStore, createOrchestrator, type AgentRunWithTools } from "@neonhub/core";
import { describe, expect, it, vi } from "vitest";
import { createExampleAgents } from "./example-agents.js";
import { createSeoAnalyst, lastDaysWindow } from "./seo-analyst.js";

const context = { organizationId: "org_agents", userId: "user_agents" };

/** Runs one example agent on mock connectors and returns the stored run with its tool executions. */
async function runInMockMode(agent: string, input: unknown, fixtures: Parameters<typeof createConnectorClient>[0] = {}): Promise<AgentRunWithTools> {
  const connectors = createConnectorClient({ mode: "mock", ...fixtures });
  // Short backoff: these tests are about what the agents do, not about the retry schedule.
  const orchestrator = createOrchestrator({ agents: createExampleAgents(connectors), store: createMemoryRunStore(), policies: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } } });
  try {
    const runId = await orchestrator.orchestrate({ agent, input, context }).then(
      (run) => run.id,
      (error: { runId?: string }) => {
        if (!error.runId) throw error;
        return error.runId;
      },
    );
    return (await orchestrator.getRun(context.organizationId, runId)) as AgentRunWithTools;
  } finally {
    await connectors.close();
  }
}

const toolNames = (run: AgentRunWithTools) => run.toolExecutions.map((tool) => `${tool.connector}.${tool.action}:${tool.status}`);

describe("campaign-launcher", () => {
  const input = { campaign: "Spring launch", product: "NeonHub Studio", recipients: ["ana@example.com", "ben@example.com"] };

  it("drafts copy, posts it to Slack and X, and emails it, each as a tool execution", async () => {
    const run = await runInMockMode("campaign-launcher", input);
    expect(run.status).toBe("COMPLETED");
    expect(toolNames(run)).toEqual(["llm.chatCompletion:SUCCEEDED", "slack.postMessage:SUCCEEDED", "x.createPost:SUCCEEDED", "email.sendEmail:SUCCEEDED"]);
    const output = run.output as { copy: string; socialPostId: string; emailId: string };
    expect(output.copy).toContain("NeonHub Studio");
    expect(run.toolExecutions[3]?.input).toMatchObject({ to: input.recipients, text: output.copy, idempotencyKey: expect.stringMatching(/^campaign-announcement-[0-9a-f]{32}$/) });
  });

  it("gives the same output for the same input in mock mode", async () => {
    const first = await runInMockMode("campaign-launcher", input);
    const second = await runInMockMode("campaign-launcher", input);
    expect(second.output).toEqual(first.output);
  });

  it("fails the run without repeating a Slack post whose outcome is unknown, and sends no email", async () => {
    const run = await runInMockMode("campaign-launcher", input, {
      retry: false,
      mock: { fixtures: [{ connector: "slack", action: "postMessage", scenario: "server_error" }] },
    });
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatchObject({ code: "STEP_OUTCOME_UNKNOWN" });
    expect(run.attempts).toBe(1);
    expect(toolNames(run)).toEqual(["llm.chatCompletion:SUCCEEDED", "slack.postMessage:FAILED"]);
  });
});

describe("seo-analyst", () => {
  it("turns Search Console rows into ranked keyword opportunities", async () => {
    const rows = [
      { keys: ["neon signs"], clicks: 40, impressions: 4_000, ctr: 0.01, position: 8.2 },
      { keys: ["neon hub"], clicks: 900, impressions: 3_000, ctr: 0.3, position: 1.1 },
      { keys: ["led neon"], clicks: 30, impressions: 1_000, ctr: 0.03, position: 11 },
    ];
    const run = await runInMockMode(
      "seo-analyst",
      { siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" },
      { mock: { fixtures: [{ connector: "google-search-console", action: "querySearchAnalytics", output: { items: rows, nextCursor: null, responseAggregationType: "byProperty" } }] } },
    );
    expect(toolNames(run)).toEqual(["google-search-console.querySearchAnalytics:SUCCEEDED"]);
    expect(run.output).toEqual({
      totals: { queries: 3, clicks: 970, impressions: 8_000, complete: true },
      opportunities: [
        { query: "neon signs", impressions: 4_000, position: 8.2, ctr: 0.01, potentialClicks: 360 },
        { query: "led neon", impressions: 1_000, position: 11, ctr: 0.03, potentialClicks: 70 },
      ],
      minImpressions: { value: 100, source: "default", settingsVersion: null },
    });
  });
});

describe("seo-analyst over many pages", () => {
  it("reads every page of queries, each a recorded call, and counts them all", async () => {
    const row = (index: number) => ({ keys: [`query ${index}`], clicks: 1, impressions: 10, ctr: 0.1, position: 20 });
    const pages: Record<string, { items: Array<ReturnType<typeof row>>; nextCursor: string | null }> = {
      first: { items: Array.from({ length: 1_000 }, (_, index) => row(index)), nextCursor: "1000" },
      "1000": { items: [row(1_000), row(1_001)], nextCursor: null },
    };
    const run = await runInMockMode(
      "seo-analyst",
      { siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" },
      { mock: { fixtures: [{ connector: "google-search-console", action: "querySearchAnalytics", output: (input: unknown) => ({ ...pages[(input as { cursor?: string }).cursor ?? "first"], responseAggregationType: "byProperty" }) }] } },
    );
    expect(toolNames(run)).toEqual(["google-search-console.querySearchAnalytics:SUCCEEDED", "google-search-console.querySearchAnalytics:SUCCEEDED"]);
    expect(run.output).toMatchObject({ totals: { queries: 1_002, clicks: 1_002, impressions: 10_020, complete: true } });
  });
});

describe("seo-analyst on a schedule", () => {
  it("reads the last N full days up to yesterday when given lastDays", async () => {
    expect(lastDaysWindow(7, Date.parse("2026-03-10T06:00:00Z"))).toEqual({ startDate: "2026-03-03", endDate: "2026-03-09" });
    expect(lastDaysWindow(1, Date.parse("2026-01-01T00:00:00Z"))).toEqual({ startDate: "2025-12-31", endDate: "2025-12-31" });
    const run = await runInMockMode("seo-analyst", { siteUrl: "sc-domain:example.com", lastDays: 7 }, { mock: { fixtures: [{ connector: "google-search-console", action: "querySearchAnalytics", output: { items: [], nextCursor: null, responseAggregationType: "byProperty" } }] } });
    const query = run.toolExecutions.find((execution) => execution.connector === "google-search-console")?.input as { startDate: string; endDate: string };
    expect(query).toEqual(expect.objectContaining(lastDaysWindow(7, Date.now())));
  });

  it("refuses an input with neither a date range nor lastDays, or with both", async () => {
    const agent = createSeoAnalyst({} as never);
    expect(agent.input.safeParse({ siteUrl: "sc-domain:example.com" }).success).toBe(false);
    expect(agent.input.safeParse({ siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31", lastDays: 7 }).success).toBe(false);
    expect(agent.input.safeParse({ siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" }).success).toBe(true);
  });
});

describe("budget-guard", () => {
  const spend = (costMicros: number) => ({
    campaigns: [
      { id: "111", name: "Brand", status: "ENABLED", costMicros },
      { id: "222", name: "Generic", status: "ENABLED", costMicros: 1_000_000 },
    ],
    totalCostMicros: costMicros + 1_000_000,
  });
  const payments = (amounts: number[]) => ({
    items: amounts.map((amount, index) => ({ id: `txn_${index}`, amount, currency: "usd", net: amount, fee: 0, type: "charge", status: "available", created: 1_767_225_600, description: null })),
    nextCursor: null,
  });
  const fixturesFor = (costMicros: number, amounts: number[]) => ({
    mock: {
      fixtures: [
        { connector: "google-ads", action: "campaignSpend", output: spend(costMicros) },
        { connector: "stripe", action: "listBalanceTransactions", output: payments(amounts) },
      ],
    },
  });

  it("pauses the biggest spender when it overspends its budget", async () => {
    const run = await runInMockMode("budget-guard", { customerId: "123-456-7890", budget: 100 }, fixturesFor(150_000_000, [50_000]));
    expect(toolNames(run)).toEqual(["google-ads.campaignSpend:SUCCEEDED", "stripe.listBalanceTransactions:SUCCEEDED", "google-ads.pauseCampaign:SUCCEEDED"]);
    expect(run.toolExecutions[2]?.input).toEqual({ customerId: "1234567890", campaignId: "111" });
    expect(run.output).toMatchObject({ campaign: { id: "111", name: "Brand" }, action: "pause", paused: true, spend: 150, revenue: 500 });
  });

  it("keeps a campaign that pays back within budget, without touching it", async () => {
    const run = await runInMockMode("budget-guard", { customerId: "1234567890", campaignId: "111", budget: 100 }, fixturesFor(80_000_000, [10_000, 20_000]));
    expect(toolNames(run)).toEqual(["google-ads.campaignSpend:SUCCEEDED", "stripe.listBalanceTransactions:SUCCEEDED"]);
    expect(run.output).toMatchObject({ action: "keep", paused: false, spend: 80, revenue: 300, returnOnAdSpend: 3.75 });
  });

  it("only reports in a dry run", async () => {
    const run = await runInMockMode("budget-guard", { customerId: "1234567890", budget: 100, dryRun: true }, fixturesFor(150_000_000, []));
    expect(run.output).toMatchObject({ action: "pause", paused: false });
    expect(toolNames(run)).not.toContain("google-ads.pauseCampaign:SUCCEEDED");
  });

  it("waits for a person's approval before pausing a big spender, and records who gave it", async () => {
    const connectors = createConnectorClient({ mode: "mock", ...fixturesFor(900_000_000, [10_000]) });
    const orchestrator = createOrchestrator({ agents: createExampleAgents(connectors), store: createMemoryRunStore(), durability: { sweepIntervalMs: 0 } });
    try {
      const input = { customerId: "1234567890", budget: 100, approvalAbove: 500 };
      const waiting = await orchestrator.orchestrate({ agent: "budget-guard", input, context });
      expect(waiting).toMatchObject({ status: "WAITING" });
      const stored = await orchestrator.getRun(context.organizationId, waiting.id);
      expect(toolNames(stored as AgentRunWithTools)).toEqual(["google-ads.campaignSpend:SUCCEEDED", "stripe.listBalanceTransactions:SUCCEEDED"]);
      expect(stored?.steps.at(-1)).toMatchObject({ key: "approval", kind: "SIGNAL", status: "STARTED" });
      await orchestrator.signal(context.organizationId, waiting.id, "approval", { approved: true, note: "over budget twice" }, { sentBy: "cfo-1" });
      await vi.waitFor(async () => expect((await orchestrator.getRun(context.organizationId, waiting.id))?.status).toBe("COMPLETED"));
      const done = (await orchestrator.getRun(context.organizationId, waiting.id)) as AgentRunWithTools;
      expect(toolNames(done)).toEqual(["google-ads.campaignSpend:SUCCEEDED", "stripe.listBalanceTransactions:SUCCEEDED", "google-ads.pauseCampaign:SUCCEEDED"]);
      expect(done.output).toMatchObject({ paused: true, approval: { status: "approved", by: "cfo-1", at: expect.any(String), note: "over budget twice" } });

      const rejected = await orchestrator.orchestrate({ agent: "budget-guard", input, context });
      await orchestrator.signal(context.organizationId, rejected.id, "approval", { approved: false }, { sentBy: "cfo-1" });
      await vi.waitFor(async () => expect((await orchestrator.getRun(context.organizationId, rejected.id))?.status).toBe("COMPLETED"));
      const kept = (await orchestrator.getRun(context.organizationId, rejected.id)) as AgentRunWithTools;
      expect(kept.output).toMatchObject({ action: "pause", paused: false, approval: { status: "rejected", by: "cfo-1" } });
      expect(toolNames(kept)).not.toContain("google-ads.pauseCampaign:SUCCEEDED");
    } finally {
      await orchestrator.drain({ deadlineMs: 0 });
      await connectors.close();
    }
  });

  it("pauses a small spender without asking", async () => {
    const run = await runInMockMode("budget-guard", { customerId: "1234567890", budget: 100, approvalAbove: 500 }, fixturesFor(150_000_000, []));
    expect(run.output).toMatchObject({ paused: true, approval: { status: "not_needed", by: null } });
  });

  it("is deterministic on the default fixtures", async () => {
    const input = { customerId: "1234567890", budget: 1_000, approvalAbove: 1_000_000_000 };
    const first = await runInMockMode("budget-guard", input);
    expect(first.status).toBe("COMPLETED");
    expect((await runInMockMode("budget-guard", input)).output).toEqual(first.output);
  });
});

describe("onboarding-sequence", () => {
  const input = { name: "Ada", email: "ada@example.com", teamChannelId: "1311000000000000099" };

  it("sends three emails and two Discord messages, each under its own step key and idempotency key", async () => {
    const run = await runInMockMode("onboarding-sequence", input);
    expect(run.status).toBe("COMPLETED");
    expect(toolNames(run)).toEqual([
      "email.sendEmail:SUCCEEDED",
      "discord.sendChannelMessage:SUCCEEDED",
      "email.sendEmail:SUCCEEDED",
      "email.sendEmail:SUCCEEDED",
      "discord.sendChannelMessage:SUCCEEDED",
    ]);
    expect(run.steps.map((step) => step.key)).toEqual(["email:welcome", "discord:joined", "email:first-steps", "email:offer", "discord:onboarded"]);
    const output = run.output as { emailIds: string[]; messageIds: string[] };
    expect(output.emailIds).toHaveLength(3);
    expect(output.messageIds).toHaveLength(2);
    expect(run.toolExecutions[0]?.input).toMatchObject({ to: "ada@example.com", subject: "Welcome to NeonHub, Ada" });
  });

  it("refuses a channel id that is not a Discord snowflake before sending anything", async () => {
    await expect(runInMockMode("onboarding-sequence", { ...input, teamChannelId: "general" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
