import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createOrchestrator } from "./create-orchestrator.js";
import { defineAgent } from "../model/agent-definition.js";

const caller = { userId: "user-1", organizationId: "org-1" };
const echo = defineAgent({
  name: "echo",
  version: "1.0.0",
  description: "Repeats its input",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string(), tools: z.number() }),
  async handle(input, ctx) {
    const upper = await ctx.tool("text.upper", { text: input.text }, async () => input.text.toUpperCase());
    return { text: upper, tools: 1 };
  },
});

describe("orchestrate", () => {
  it("runs an agent and records the run with its tool execution", async () => {
    const orchestrator = createOrchestrator({ agents: [echo] });
    const run = await orchestrator.orchestrate({ agent: "echo", input: { text: "hi" }, context: caller, intent: "say hi" });
    expect(run).toMatchObject({ status: "COMPLETED", statusReason: "completed", output: { text: "HI", tools: 1 }, attempts: 1, intent: "say hi" });
    const withTools = await orchestrator.getRun("org-1", run.id);
    expect(withTools?.toolExecutions).toMatchObject([{ connector: "text", action: "upper", status: "SUCCEEDED", output: "HI", input: { text: "hi" } }]);
    expect(await orchestrator.store.listRunMetrics("org-1", run.id)).toEqual(expect.arrayContaining([{ name: "tool_calls", value: 1, unit: "count" }]));
  });
});
