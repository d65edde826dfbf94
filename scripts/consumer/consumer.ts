// Type-checked against the shipped .d.ts files, resolved as an ES module consumer would.
import { createOrchestrator, defineAgent, isNeonhubError, type AgentRun, type RunStore } from "@neonhub/core";
import { createManualClock, runAgentForTest, type AgentTestResult } from "@neonhub/core/testing";
import { createConnectorClient, emailConnector, slackConnector, type SendEmailInput } from "@neonhub/connectors";
import { createMockConnectorClient, type MockCall } from "@neonhub/connectors/testing";
import type { NeonhubDatabase } from "@neonhub/persistence-prisma";
import { createPrometheusMetrics } from "@neonhub/metrics";
import { z } from "zod";

const withText: SendEmailInput = { from: "a@acme.dev", to: "b@acme.dev", subject: "Hi", text: "Hello" };
// @ts-expect-error sendEmail needs html or text
const withoutBody: SendEmailInput = { from: "a@acme.dev", to: "b@acme.dev", subject: "Hi" };

const agent = defineAgent({
  name: "typed",
  version: "1.0.0",
  description: "Checks the inferred types",
  input: z.object({ channel: z.string() }),
  output: z.object({ ts: z.string() }),
  handle: async (input, ctx) => {
    const connectors = createMockConnectorClient({ clock: createManualClock() });
    const posted = await connectors.forRun(ctx).invoke(slackConnector, "postMessage", { channel: input.channel, text: "hi" });
    const calls: MockCall[] = connectors.mock.calls("slack");
    return { ts: `${posted.ts}-${calls.length}` };
  },
});

export async function typed(database: NeonhubDatabase): Promise<string | undefined> {
  const store: RunStore = database.runStore;
  const orchestrator = createOrchestrator({ agents: [agent], store, metrics: createPrometheusMetrics().sink });
  const run: AgentRun = await orchestrator.orchestrate({ agent: "typed", input: { channel: "C1" }, context: { userId: "u", organizationId: "o" } });
  const result: AgentTestResult<{ ts: string }> = await runAgentForTest({ agent, input: { channel: "C1" } });
  const live = createConnectorClient({ mode: "mock" });
  await live.invoke(emailConnector, "sendEmail", withText);
  void withoutBody;
  if (isNeonhubError(result.error, "RATE_LIMITED")) return String(result.error.retryAfterMs);
  return run.status === "COMPLETED" ? result.output?.ts : undefined;
}
