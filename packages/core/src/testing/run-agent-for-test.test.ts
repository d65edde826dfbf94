import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import { createManualClock } from "./manual-clock.js";
import { runAgentForTest, TEST_CALLER } from "./run-agent-for-test.js";

const greeter = defineAgent({
  name: "greeter",
  version: "1.0.0",
  description: "Greets, failing for Mallory",
  input: z.object({ name: z.string().min(1) }),
  output: z.object({ greeting: z.string() }),
  handle: async (input, ctx) => {
    const greeting = await ctx.tool("format.greeting", input, async () => `Hello, ${input.name}`);
    if (input.name === "Mallory") throw new Error("refused");
    return { greeting };
  },
});

describe("runAgentForTest", () => {
  it("returns the output, the completed run and its tool calls in one call", async () => {
    const result = await runAgentForTest({ agent: greeter, input: { name: "Ada" } });
    expect(result.error).toBeUndefined();
    expect(result.output).toEqual({ greeting: "Hello, Ada" });
    expect(result.run).toMatchObject({ status: "COMPLETED", organizationId: TEST_CALLER.organizationId, userId: TEST_CALLER.userId });
    expect(result.toolExecutions.map((tool) => [tool.connector, tool.action, tool.status])).toEqual([["format", "greeting", "SUCCEEDED"]]);
  });

  it("returns neither an output nor an error for a run that is waiting", async () => {
    const napper = defineAgent({ ...greeter, name: "napper", handle: async (input, ctx) => (await ctx.sleep("nap", 60_000), { greeting: `Hello, ${input.name}` }) });
    const result = await runAgentForTest({ agent: napper, input: { name: "Ada" }, orchestratorOptions: { durability: { sweepIntervalMs: 0 } } });
    expect(result.run?.status).toBe("WAITING");
    expect(result.output).toBeUndefined();
    expect(result.error).toBeUndefined();
    await result.orchestrator.drain({ deadlineMs: 0 });
  });

  it("registers the agents a run starts as child runs, and the run completes once they have", async () => {
    const scorer = defineAgent({ ...greeter, name: "scorer", handle: async (input) => ({ greeting: `Hi, ${input.name}` }) });
    const fanOut = defineAgent({
      ...greeter,
      name: "fan-out",
      handle: async (input, ctx) => ({ greeting: (await Promise.all(["a", "b"].map((suffix) => ctx.runAgent(scorer, { name: `${input.name}-${suffix}` })))).map((child) => child.greeting).join(" ") }),
    });
    const { run, error, orchestrator } = await runAgentForTest({ agent: fanOut, agents: [scorer, fanOut], input: { name: "Ada" }, orchestratorOptions: { clock: createManualClock() } });
    expect(error).toBeUndefined();
    expect(orchestrator.listAgents().map((agent) => agent.name)).toEqual(["fan-out", "scorer"]);
    await vi.waitFor(async () => expect(await orchestrator.getRun(TEST_CALLER.organizationId, run!.id)).toMatchObject({ status: "COMPLETED", output: { greeting: "Hi, Ada-a Hi, Ada-b" } }));
  });

  it("returns a handler failure as the typed error together with the failed run", async () => {
    const result = await runAgentForTest({ agent: greeter, input: { name: "Mallory" }, orchestratorOptions: { policies: { retry: { attempts: 1 } } } });
    expect(result.output).toBeUndefined();
    expect(result.error?.code).toBe("HANDLER_FAILED");
    expect(result.run?.id).toBe(result.error?.runId);
    expect(result.run?.status).toBe("FAILED");
    expect(result.toolExecutions).toHaveLength(1);
  });

  it("returns a validation error without a run when the input is refused before one is created", async () => {
    const result = await runAgentForTest({ agent: greeter, input: { name: "" } });
    expect(result.error?.code).toBe("VALIDATION_FAILED");
    expect(result.run).toBeNull();
    expect(result.toolExecutions).toEqual([]);
  });

  it("registers the agent on a given orchestrator once and runs as the given caller", async () => {
    const orchestrator = createOrchestrator({ agents: [] });
    const context = { userId: "user-7", organizationId: "org-7" };
    await runAgentForTest({ agent: greeter, input: { name: "Ada" }, orchestrator, context });
    const second = await runAgentForTest({ agent: greeter, input: { name: "Lin" }, orchestrator, context, idempotencyKey: "k-1", intent: "greet Lin" });
    expect(second.orchestrator).toBe(orchestrator);
    expect(orchestrator.listAgents().map((agent) => agent.name)).toEqual(["greeter"]);
    expect(second.run).toMatchObject({ organizationId: "org-7", idempotencyKey: "k-1", intent: "greet Lin" });
    expect((await orchestrator.listRuns({ organizationId: "org-7", limit: 10 })).runs).toHaveLength(2);
  });

  it("throws what is not a NeonHub error instead of returning it", async () => {
    const broken = { ...createOrchestrator({ agents: [greeter] }), orchestrate: () => Promise.reject(new TypeError("bug")) };
    await expect(runAgentForTest({ agent: greeter, input: { name: "Ada" }, orchestrator: broken })).rejects.toThrow("bug");
  });
});
