import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ConfigurationError, ValidationError } from "../errors/errors.js";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { createMemoryRateLimiter } from "../policies/memory-rate-limiter.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, scriptedAgent, settle, setup } from "./orchestrator-test-kit.js";

const echo = () => scriptedAgent(async (input) => ({ text: input.text.toUpperCase() }));

describe("orchestrate: the pipeline before execution", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());

  it("runs the agent and returns the finished run with its record", async () => {
    const { orchestrator, metrics, logger } = setup([echo()]);
    const run = await orchestrator.orchestrate({ agent: "writer", input: { text: "hi" }, context: caller, intent: "greet" });
    expect(run).toMatchObject({
      agentName: "writer",
      agentVersion: "1.2.0",
      status: "COMPLETED",
      statusReason: "completed",
      output: { text: "HI" },
      input: { text: "hi" },
      intent: "greet",
      attempts: 1,
      userId: "user-1",
      organizationId: "org-1",
      durationMs: 0,
    });
    expect(await orchestrator.getRun("org-1", run.id)).toMatchObject({ id: run.id, status: "COMPLETED", toolExecutions: [] });
    expect(await orchestrator.store.listRunMetrics("org-1", run.id)).toEqual([
      { name: "duration_ms", value: 0, unit: "ms" },
      { name: "attempts", value: 1, unit: "count" },
      { name: "tool_calls", value: 0, unit: "count" },
    ]);
    expect(metrics.ofType("runFinished")).toEqual([{ agent: "writer", status: "COMPLETED", durationMs: 0, attempts: 1 }]);
    expect(logger.lines.at(-1)).toMatchObject({ level: "info", message: "run finished", fields: { runId: run.id, agent: "writer", status: "COMPLETED", durationMs: 0 } });
  });

  it("hands the handler a context whose members still work when destructured", async () => {
    const agent = scriptedAgent(async (input, context) => {
      const { tool, reportMetric, signal, logger, runId, attempt } = context;
      const echoed = await tool("echo.say", { text: input.text }, async (call) => {
        expect(call.signal).toBe(signal);
        return input.text;
      });
      reportMetric("tokens", 7, "tokens");
      logger.info({ attempt }, "handled");
      return { text: `${echoed}:${runId}` };
    });
    const { orchestrator, logger } = setup([agent]);
    const run = await orchestrator.orchestrate({ agent: "writer", input: { text: "hi" }, context: caller });
    expect(run.output).toEqual({ text: `hi:${run.id}` });
    expect(await orchestrator.store.listRunMetrics("org-1", run.id)).toContainEqual({ name: "tokens", value: 7, unit: "tokens" });
    expect(await orchestrator.store.listRunMetrics("org-1", run.id)).toContainEqual({ name: "tool_calls", value: 1, unit: "count" });
    expect((await orchestrator.getRun("org-1", run.id))?.toolExecutions).toMatchObject([{ connector: "echo", action: "say", status: "SUCCEEDED" }]);
    expect(logger.lines).toContainEqual(expect.objectContaining({ message: "handled", fields: expect.objectContaining({ runId: run.id, attempt: 1 }) }));
  });

  it.each([
    [{ agent: "", input: {}, context: caller }, "agent"],
    [{ agent: "writer", input: { text: "x" }, context: caller, idempotencyKey: "" }, "idempotencyKey"],
    [{ agent: "writer", input: { text: "x" }, context: caller, timeoutMs: -5 }, "timeoutMs"],
    [{ agent: "writer", input: { text: "x" }, context: caller, intent: "x".repeat(2_001) }, "intent"],
  ])("rejects an invalid request field before anything is stored (%#)", async (request, path) => {
    const agent = echo();
    const { orchestrator, store } = setup([agent]);
    const error = await settle(orchestrator.orchestrate(request as never));
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect((error as { fieldErrors: Array<{ path: string }> }).fieldErrors.map((field) => field.path)).toContain(path);
    expect((await store.listRuns({ organizationId: "org-1", limit: 10 })).runs).toEqual([]);
    expect(agent.handle).not.toHaveBeenCalled();
  });

  it("rejects input that does not match the agent's schema with field errors", async () => {
    const { orchestrator, store } = setup([echo()]);
    const error = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "" }, context: caller }));
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "input.text" }] });
    expect((await store.listRuns({ organizationId: "org-1", limit: 10 })).runs).toEqual([]);
  });

  it("rejects an unknown agent and lists the registered ones", async () => {
    const { orchestrator } = setup([echo()]);
    const error = await settle(orchestrator.orchestrate({ agent: "ghost", input: {}, context: caller }));
    expect(error).toMatchObject({ code: "AGENT_NOT_FOUND", message: expect.stringContaining("writer") });
  });

  it.each([{}, { userId: "u" }, { organizationId: "o" }, { userId: "", organizationId: "o" }])("requires both caller ids (%j)", async (context) => {
    const agent = echo();
    const { orchestrator } = setup([agent]);
    const error = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: context as never }));
    expect(isNeonhubError(error, "UNAUTHORIZED")).toBe(true);
    expect(agent.handle).not.toHaveBeenCalled();
  });

  it("asks the authorize hook and refuses when it says no", async () => {
    const authorize = vi.fn(async (context: { userId: string }) => context.userId === "admin");
    const { orchestrator } = setup([echo()], { authorize });
    expect(isNeonhubError(await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: caller })), "UNAUTHORIZED")).toBe(true);
    await expect(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: { userId: "admin", organizationId: "o" } })).resolves.toMatchObject({ status: "COMPLETED" });
    expect(authorize).toHaveBeenCalledTimes(2);
  });

  it("admits 60 runs per minute per agent and user, then answers RATE_LIMITED at once", async () => {
    const agent = echo();
    const { orchestrator, metrics, store } = setup([agent]);
    for (let index = 0; index < 60; index += 1) await orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: caller });
    await vi.advanceTimersByTimeAsync(20_000);
    const limited = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: caller }));
    expect(limited).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 40_000 });
    expect(metrics.ofType("rateLimited")).toEqual([{ agent: "writer", scope: "admission" }]);
    expect((await store.listRuns({ organizationId: "org-1", limit: 100 })).runs).toHaveLength(60);
    await expect(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: { ...caller, userId: "user-2" } })).resolves.toMatchObject({ status: "COMPLETED" });
    await vi.advanceTimersByTimeAsync(40_000);
    await expect(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: caller })).resolves.toMatchObject({ status: "COMPLETED" });
  });

  it("never runs the handler when the run cannot be created", async () => {
    const agent = echo();
    const store = createMemoryRunStore();
    store.createRun = vi.fn(async () => {
      throw new Error("connection refused");
    });
    const { orchestrator } = setup([agent], { store });
    const error = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: caller }));
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE" });
    expect(agent.handle).not.toHaveBeenCalled();
  });

  it("retries the final write and reports a run it still cannot finish, with its id", async () => {
    const store = createMemoryRunStore();
    const finishRun = store.finishRun.bind(store);
    let failures = 2;
    store.finishRun = vi.fn(async (input) => {
      if (failures-- > 0) throw new Error("write failed");
      return finishRun(input);
    });
    const { orchestrator } = setup([echo()], { store });
    const pending = settle(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: caller }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await pending).toMatchObject({ status: "COMPLETED" });
    expect(store.finishRun).toHaveBeenCalledTimes(3);

    store.finishRun = vi.fn(async () => {
      throw new Error("write failed");
    });
    const { orchestrator: failing, logger } = setup([echo()], { store });
    const lost = settle(failing.orchestrate({ agent: "writer", input: { text: "y" }, context: caller }));
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await lost;
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", runId: expect.any(String) });
    expect(store.finishRun).toHaveBeenCalledTimes(4);
    expect(logger.lines.find((line) => line.level === "error")).toMatchObject({ fields: { runId: (error as { runId: string }).runId, status: "COMPLETED" } });
    expect((await store.getRun("org-1", (error as { runId: string }).runId))?.status).toBe("RUNNING");
  });

  it("fails a run whose output does not match the schema, without retrying", async () => {
    const agent = scriptedAgent(async () => ({ text: 42 }) as never);
    const { orchestrator, store } = setup([agent]);
    const error = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: caller }));
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", runId: expect.any(String) });
    expect(agent.handle).toHaveBeenCalledTimes(1);
    expect(await store.getRun("org-1", (error as { runId: string }).runId)).toMatchObject({ status: "FAILED", statusReason: "output_invalid", error: { code: "VALIDATION_FAILED" } });
  });

  it("fails a run whose call inside the handler was refused as invalid as call_invalid, not as bad output", async () => {
    const agent = scriptedAgent(async (_input, ctx) =>
      ctx.tool("youtube.listChannelVideos", { channelId: "C1" }, async () => {
        throw new ValidationError("Invalid input for youtube.listChannelVideos.", [{ path: "channelId", message: "Must start with UC" }]);
      }),
    );
    const { orchestrator, store } = setup([agent]);
    const error = await settle(orchestrator.orchestrate({ agent: "writer", input: { text: "x" }, context: caller }));
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", runId: expect.any(String) });
    expect(await store.getRun("org-1", (error as { runId: string }).runId)).toMatchObject({ status: "FAILED", statusReason: "call_invalid", error: { code: "VALIDATION_FAILED" } });
  });

  it("validates options when the orchestrator is created", () => {
    expect(() => createOrchestrator({} as never)).toThrow(/agents/);
    expect(() => createOrchestrator({ agents: [echo(), echo()] })).toThrow(/already registered/);
    expect(() => createOrchestrator({ agents: [scriptedAgent(async (input) => input, { name: "Bad Name" })] })).toThrow(/invalid/);
    expect(() => createOrchestrator({ agents: [echo()], policies: { retry: { attempts: 0 } } })).toThrow(/retry.attempts/);
    expect(() => createOrchestrator({ agents: [{ ...echo(), input: {} as never }] })).toThrow(/zod/);
    for (const maxTrackedKeys of [0, 1.5, Number.NaN]) {
      expect(() => createOrchestrator({ agents: [echo()], maxTrackedKeys })).toThrow(/^maxTrackedKeys must be a positive integer/);
      expect(() => createOrchestrator({ agents: [echo()], maxTrackedKeys, rateLimiter: createMemoryRateLimiter() })).toThrow(ConfigurationError);
    }
  });

  it("lists agents with JSON schemas and breaker state, and registers more", async () => {
    const { orchestrator } = setup([echo()]);
    orchestrator.registerAgent(scriptedAgent(async (input) => input, { name: "second", input: z.object({ text: z.string(), count: z.number().int() }) as never }));
    const agents = orchestrator.listAgents();
    expect(agents.map((agent) => agent.name)).toEqual(["writer", "second"]);
    expect(agents[0]).toMatchObject({ version: "1.2.0", kind: "content", breakerState: "closed", inputSchema: { type: "object", properties: { text: { type: "string", minLength: 1 } }, required: ["text"] } });
    expect(agents[1]?.inputSchema).toMatchObject({ properties: { count: { type: "integer" } } });
  });

  it("lists a field with a default as optional in the input schema and present in the output schema", async () => {
    const schema = z.object({ text: z.string(), tone: z.string().default("plain") });
    const { orchestrator } = setup([scriptedAgent(async (input) => input, { input: schema as never, output: schema as never })]);
    const [agent] = orchestrator.listAgents();
    expect(agent?.inputSchema).toMatchObject({ properties: { tone: { type: "string", default: "plain" } }, required: ["text"] });
    expect(agent?.outputSchema).toMatchObject({ required: ["text", "tone"] });
    // The input the input schema calls complete is accepted.
    await expect(orchestrator.orchestrate({ agent: "writer", input: { text: "hi" }, context: caller })).resolves.toMatchObject({ status: "COMPLETED", output: { text: "hi", tone: "plain" } });
  });
});
