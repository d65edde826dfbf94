// The consumer test shown in docs/testing-with-mocks.md, kept here so that the example stays true.
import { createOrchestrator, defineAgent } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { slackConnector } from "../connectors/slack-connector.js";
import { createMockConnectorClient } from "./create-mock-connector-client.js";

const connectors = createMockConnectorClient();
const announcer = defineAgent({
  name: "announcer",
  version: "1.0.0",
  description: "Announces a release in Slack",
  input: z.object({ release: z.string() }),
  output: z.object({ ts: z.string() }),
  handle: async (input, ctx) => {
    const posted = await connectors.forRun(ctx).invoke(slackConnector, "postMessage", { channel: "C0RELEASES", text: `Released ${input.release}` });
    return { ts: posted.ts };
  },
});
const orchestrator = createOrchestrator({ agents: [announcer], policies: { retry: { attempts: 1 } } });
const context = { userId: "user_1", organizationId: "org_1" };

describe("announcer agent", () => {
  it("posts the release to Slack and records the call", async () => {
    const run = await orchestrator.orchestrate({ agent: "announcer", input: { release: "v2.1" }, context });
    expect(run.status).toBe("COMPLETED");
    expect(connectors.mock.calls("slack", "postMessage")[0]?.input).toMatchObject({ text: "Released v2.1" });
    const recorded = await orchestrator.getRun("org_1", run.id);
    expect(recorded?.toolExecutions[0]).toMatchObject({ connector: "slack", action: "postMessage", status: "SUCCEEDED", attempt: 1 });
  });

  it("fails the run when Slack rate-limits it", async () => {
    connectors.mock.setScenario("slack", { type: "rate_limited", retryAfterMs: 30_000 }, { times: 1 });
    const failure = await orchestrator.orchestrate({ agent: "announcer", input: { release: "v2.2" }, context }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 30_000 });
  });
});
