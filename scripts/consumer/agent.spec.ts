// A consumer's own vitest suite: an agent with connectors in mock mode, and a conformance suite from the testing entry.
import { createMemoryRateLimiter, defineAgent } from "@neonhub/core";
import { createManualClock, runAgentForTest, runRateLimiterConformanceSuite } from "@neonhub/core/testing";
import { createConnectorClient, slackConnector } from "@neonhub/connectors";
import { expect, it } from "vitest";
import { z } from "zod";

// mode "live" in code: the suite's NEONHUB_CONNECTORS_MODE=mock wins, so nothing leaves the machine.
const clock = createManualClock();
const connectors = createConnectorClient({ mode: "live", clock });
const announcer = defineAgent({
  name: "announcer",
  version: "1.0.0",
  description: "Announces a release in Slack",
  input: z.object({ release: z.string() }),
  output: z.object({ ts: z.string() }),
  handle: async (input, ctx) => ({ ts: (await connectors.forRun(ctx).invoke(slackConnector, "postMessage", { channel: "C0RELEASES", text: `Released ${input.release}` })).ts }),
});

it("runs the agent in mock mode and records its tool call", async () => {
  const { output, error, run, toolExecutions } = await runAgentForTest({ agent: announcer, input: { release: "v1.0" } });
  expect(error).toBeUndefined();
  expect(output?.ts).toMatch(/\d/);
  expect(run?.status).toBe("COMPLETED");
  expect(toolExecutions).toMatchObject([{ connector: "slack", action: "postMessage", status: "SUCCEEDED" }]);
  expect(connectors.mock.calls("slack", "postMessage")[0]?.input).toMatchObject({ text: "Released v1.0" });
});

it("returns a provider fault as the run's typed error", async () => {
  connectors.mock.setScenario("slack", "invalid_input", { times: 1 });
  const { error, run } = await runAgentForTest({ agent: announcer, input: { release: "v1.1" } });
  expect(error?.code).toBe("VALIDATION_FAILED");
  expect(run?.status).toBe("FAILED");
});

runRateLimiterConformanceSuite({
  name: "memory, from the installed package",
  createLimiter: async () => {
    const limiterClock = createManualClock();
    return { limiter: createMemoryRateLimiter({ clock: limiterClock }), advance: (ms) => limiterClock.advance(ms) };
  },
});
