// The consumer test shown in docs/testing-with-mocks.md, kept here so that the example stays true.
import { createOrchestrator, defineAgent } from "@neonhub/core";
import { createManualClock } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { slackConnector } from "../connectors/slack-connector.js";
import { createMockConnectorClient } from "./create-mock-connector-client.js";

const clock = createManualClock();
const connectors = createMockConnectorClient({ clock });
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

  it("waits out Slack's Retry-After and retries, as the live client does", async () => {
    connectors.mock.setScenario("slack", { type: "rate_limited", retryAfterMs: 5_000 }, { times: 1 });
    const running = orchestrator.orchestrate({ agent: "announcer", input: { release: "v2.2" }, context });
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(5_000);
    const run = await running;
    expect(run.status).toBe("COMPLETED");
    expect(connectors.mock.calls("slack", "postMessage").slice(-2).map((call) => call.errorCode ?? "ok")).toEqual(["RATE_LIMITED", "ok"]);
  });

  it("fails the run at once when the client's retries are off", async () => {
    const once = createMockConnectorClient({ retry: false });
    once.mock.setScenario("slack", { type: "rate_limited", retryAfterMs: 30_000 }, { times: 1 });
    const hasty = defineAgent({ ...announcer, name: "hasty-announcer", handle: async (input, ctx) => ({ ts: (await once.forRun(ctx).invoke(slackConnector, "postMessage", { channel: "C1", text: input.release })).ts }) });
    const failure = await createOrchestrator({ agents: [hasty], policies: { retry: { attempts: 1 } } })
      .orchestrate({ agent: "hasty-announcer", input: { release: "v2.3" }, context })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 30_000 });
  });

  it("lets mock latency run into the connector's deadline on the manual clock", async () => {
    const slowClock = createManualClock();
    const slow = createMockConnectorClient({ clock: slowClock, mock: { latency: { fixedMs: 60_000 } } });
    const call = slow.invoke("slack", "postMessage", { channel: "C1", text: "hi" }).catch((error: unknown) => error);
    await new Promise((resolve) => setImmediate(resolve));
    await slowClock.advance(30_000);
    expect(await call).toMatchObject({ code: "STEP_OUTCOME_UNKNOWN", details: { failureCode: "TIMEOUT" } });
  });
});
