import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { RunQueue } from "../ports/run-queue.js";
import { REDACTED } from "../telemetry/redactor.js";
import { caller, scriptedAgent, settle, setup } from "./orchestrator-test-kit.js";

const request = { agent: "writer", input: { text: "x" }, context: caller };

describe("orchestrate: tools, queued runs, recovery and drain", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());

  it("records each tool call with redacted input, output and error, and reports metrics", async () => {
    const agent = scriptedAgent(async (input, context) => {
      const posted = await context.tool({ connector: "slack", action: "postMessage" }, { channel: "#launch", token: "xoxb-1", text: input.text }, async (call) => {
        expect(call.attempt).toBe(1);
        expect(call.signal.aborted).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 40));
        return { ok: true, echoed: "key canary-secret-42" };
      }, { secretValues: ["canary-secret-42"] });
      await context.tool("email.send", { to: "a@example.com" }, async () => {
        throw new Error("refused for canary-secret-42");
      }, { secretValues: ["canary-secret-42"] }).catch(() => undefined);
      context.reportMetric("tokens", 120, "tokens");
      return { text: String(posted.ok) };
    });
    const { orchestrator, metrics } = setup([agent]);
    const pending = orchestrator.orchestrate(request);
    await vi.advanceTimersByTimeAsync(40);
    const run = await pending;
    const { toolExecutions } = (await orchestrator.getRun("org-1", run.id))!;
    expect(toolExecutions).toMatchObject([
      { connector: "slack", action: "postMessage", status: "SUCCEEDED", attempt: 1, durationMs: 40, input: { channel: "#launch", token: REDACTED, text: "x" }, output: { ok: true, echoed: `key ${REDACTED}` } },
      { connector: "email", action: "send", status: "FAILED", error: { code: "Error", message: `refused for ${REDACTED}` }, output: null },
    ]);
    expect(JSON.stringify(toolExecutions)).not.toContain("canary-secret-42");
    expect(metrics.ofType("toolExecutionFinished")).toEqual([
      { connector: "slack", action: "postMessage", status: "SUCCEEDED", durationMs: 40 },
      { connector: "email", action: "send", status: "FAILED", durationMs: 0 },
    ]);
    expect(await orchestrator.store.listRunMetrics("org-1", run.id)).toEqual(expect.arrayContaining([
      { name: "tool_calls", value: 2, unit: "count" },
      { name: "tokens", value: 120, unit: "tokens" },
    ]));
  });

  it("does not make a tool call that cannot be recorded", async () => {
    const sideEffect = vi.fn(async () => "sent");
    const agent = scriptedAgent(async (_input, context) => ({ text: await context.tool("email.send", {}, sideEffect) }));
    const { orchestrator, store } = setup([agent], { policies: { retry: { attempts: 1 } } });
    store.recordStep = vi.fn(async () => {
      throw new Error("disk full");
    });
    const result = settle(orchestrator.orchestrate(request));
    await vi.advanceTimersByTimeAsync(2_000);
    const error = (await result) as { code: string; runId: string };
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", runId: expect.any(String) });
    expect(store.recordStep).toHaveBeenCalledTimes(4);
    expect(sideEffect).not.toHaveBeenCalled();
    // Left open, to be resumed from its journal once its lease lapses, not failed.
    expect((await store.getRun("org-1", error.runId))?.status).toBe("RUNNING");
  });

  it("stores the redacted request input, never its secrets", async () => {
    const agent = scriptedAgent(async (input) => input, { input: z.object({ text: z.string(), apiKey: z.string() }) as never });
    const { orchestrator } = setup([agent]);
    const run = await orchestrator.orchestrate({ ...request, input: { text: "x", apiKey: "sk-123456" } });
    expect(run.input).toEqual({ text: "x", apiKey: REDACTED });
  });

  it("queues a run, executes it in the background, and reports queue depth", async () => {
    const agent = scriptedAgent(async (input) => ({ text: input.text.repeat(2) }));
    const { orchestrator, metrics } = setup([agent]);
    const queued = await orchestrator.enqueue(request);
    expect(queued).toMatchObject({ status: "QUEUED", startedAt: null });
    await vi.advanceTimersByTimeAsync(10);
    expect(await orchestrator.getRun("org-1", queued.id)).toMatchObject({ status: "COMPLETED", output: { text: "xx" }, attempts: 1 });
    expect(metrics.ofType("queueDepthChanged").length).toBeGreaterThan(0);
    const replay = await orchestrator.enqueue({ ...request, idempotencyKey: "q" });
    expect(await orchestrator.enqueue({ ...request, idempotencyKey: "q" })).toMatchObject({ id: replay.id });
  });

  it("gives a queued run the deadline of its request, not its agent's", async () => {
    const agent = scriptedAgent(
      (_input, context) => new Promise((_resolve, reject) => context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true })),
      { policies: { timeoutMs: 60_000, retry: { attempts: 1 } } },
    );
    const { orchestrator } = setup([agent]);
    const queued = await orchestrator.enqueue({ ...request, timeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_010);
    expect(await orchestrator.getRun("org-1", queued.id)).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout" });
  });

  it("cancels a queued run before it starts", async () => {
    const agent = scriptedAgent(async (input) => input);
    const held: Array<() => Promise<void>> = [];
    const queue: RunQueue = { durable: true, add: async (job, execute) => void held.push(() => execute(job)), pending: () => held.length, close: async () => undefined };
    const { orchestrator } = setup([agent], { queue });
    const queued = await orchestrator.enqueue(request);
    expect(await orchestrator.cancel("org-1", queued.id)).toMatchObject({ status: "CANCELLED", statusReason: "cancelled" });
    await held[0]!();
    expect(agent.handle).not.toHaveBeenCalled();
    expect((await orchestrator.getRun("org-1", queued.id))?.status).toBe("CANCELLED");
  });

  it("drains: lets runs finish before the deadline, cancels the rest, and refuses new runs", async () => {
    const agent = scriptedAgent(async (input) => {
      await new Promise((resolve) => setTimeout(resolve, input.text === "quick" ? 1_000 : 60_000));
      return input;
    }, { policies: { timeoutMs: 120_000 } });
    const { orchestrator, store } = setup([agent]);
    const quick = settle(orchestrator.orchestrate({ ...request, input: { text: "quick" } }));
    const slow = settle(orchestrator.orchestrate({ ...request, input: { text: "slow" } }));
    await vi.advanceTimersByTimeAsync(10);
    const drained = orchestrator.drain({ deadlineMs: 5_000 });
    expect(await settle(orchestrator.orchestrate(request))).toMatchObject({ code: "STORE_UNAVAILABLE" });
    await vi.advanceTimersByTimeAsync(5_000);
    const result = await drained;
    expect(await quick).toMatchObject({ status: "COMPLETED" });
    const slowError = (await slow) as { code: string; runId: string };
    expect(slowError.code).toBe("CANCELLED");
    expect(result).toEqual({ finished: 1, interrupted: [slowError.runId] });
    expect(await store.getRun("org-1", slowError.runId)).toMatchObject({ status: "CANCELLED", statusReason: "shutdown" });
    expect((await store.listRuns({ organizationId: "org-1", status: "RUNNING", limit: 10 })).runs).toEqual([]);
  });
});
