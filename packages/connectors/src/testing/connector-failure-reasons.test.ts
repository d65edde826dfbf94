// A consumer's view of connector failures: the run keeps the connector's code and gets a reason of its own.
import { createOrchestrator, defineAgent } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { slackConnector } from "../connectors/slack-connector.js";
import { createMockConnectorClient } from "./create-mock-connector-client.js";

const connectors = createMockConnectorClient({ retry: false });
const announcer = defineAgent({
  name: "announcer",
  version: "1.0.0",
  description: "Announces a release in Slack",
  input: z.object({ release: z.string() }),
  output: z.object({ ts: z.string() }),
  policies: { breaker: { enabled: false } },
  handle: async (input, ctx) => {
    const posted = await connectors.forRun(ctx).invoke(slackConnector, "postMessage", { channel: "C0RELEASES", text: `Released ${input.release}` });
    return { ts: posted.ts };
  },
});
const orchestrator = createOrchestrator({ agents: [announcer], policies: { retry: { attempts: 1 } } });
const context = { userId: "user_1", organizationId: "org_1" };

describe("a run that a connector failed", () => {
  it.each([
    ["server_error", "FAILED", "upstream_failed", "UPSTREAM_FAILED"],
    ["auth_expired", "FAILED", "connection_unauthorized", "UNAUTHORIZED"],
    ["rate_limited", "FAILED", "rate_limited", "RATE_LIMITED"],
    ["timeout", "FAILED", "call_timeout", "TIMEOUT"],
  ] as const)("after %s ends %s with reason %s and code %s", async (scenario, status, statusReason, code) => {
    connectors.mock.setScenario("slack", scenario, { times: 1 });
    const failure = await orchestrator.orchestrate({ agent: "announcer", input: { release: scenario }, context }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code });
    const run = await orchestrator.getRun("org_1", (failure as { runId: string }).runId);
    expect(run).toMatchObject({ status, statusReason, error: { code } });
  });
});
