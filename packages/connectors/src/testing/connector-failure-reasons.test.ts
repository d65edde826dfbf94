// A consumer's view of connector failures: the run keeps the connector's code and gets a reason of its own.
import { createOrchestrator, defineAgent } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { slackConnector } from "../connectors/slack-connector.js";
import { stripeConnector } from "../connectors/stripe-connector.js";
import { createMockConnectorClient } from "./create-mock-connector-client.js";

const connectors = createMockConnectorClient({ retry: false });
const announcer = defineAgent({
  name: "announcer",
  version: "1.0.0",
  description: "Announces a release in Slack",
  input: z.object({ release: z.string(), checkRevenue: z.boolean() }),
  output: z.object({ ts: z.string() }),
  policies: { breaker: { enabled: false } },
  handle: async (input, ctx) => {
    // A read is safe to repeat; a Slack post is not, so its unknown outcome is reported as such.
    if (input.checkRevenue) await connectors.forRun(ctx).invoke(stripeConnector, "listBalanceTransactions", {});
    const posted = await connectors.forRun(ctx).invoke(slackConnector, "postMessage", { channel: "C0RELEASES", text: `Released ${input.release}` });
    return { ts: posted.ts };
  },
});
const orchestrator = createOrchestrator({ agents: [announcer], policies: { retry: { attempts: 1 } } });
const context = { userId: "user_1", organizationId: "org_1" };

describe("a run that a connector failed", () => {
  it.each([
    ["stripe", "server_error", "FAILED", "upstream_failed", "UPSTREAM_FAILED"],
    ["slack", "server_error", "FAILED", "step_outcome_unknown", "STEP_OUTCOME_UNKNOWN"],
    ["slack", "auth_expired", "FAILED", "connection_unauthorized", "UNAUTHORIZED"],
    ["slack", "rate_limited", "FAILED", "rate_limited", "RATE_LIMITED"],
    ["stripe", "timeout", "FAILED", "call_timeout", "TIMEOUT"],
    ["slack", "timeout", "FAILED", "step_outcome_unknown", "STEP_OUTCOME_UNKNOWN"],
  ] as const)("after %s's %s ends %s with reason %s and code %s", async (connector, scenario, status, statusReason, code) => {
    connectors.mock.setScenario(connector, scenario, { times: 1 });
    const failure = await orchestrator.orchestrate({ agent: "announcer", input: { release: scenario, checkRevenue: connector === "stripe" }, context }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code });
    const run = await orchestrator.getRun("org_1", (failure as { runId: string }).runId);
    expect(run).toMatchObject({ status, statusReason, error: { code } });
  });
});
