import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ContentRefusedError } from "../errors/content-refused-error.js";
import { HandlerFailedError, TimeoutError, UnauthorizedError, ValidationError } from "../errors/errors.js";
import { caller, scriptedAgent, settle, setup, transientFailure, type Handler } from "./orchestrator-test-kit.js";

const request = { agent: "writer", input: { text: "x" }, context: caller };

describe("orchestrate: breaker, retries, deadline and cancellation", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());

  it("retries transient failures up to 3 attempts and records them", async () => {
    let calls = 0;
    const agent = scriptedAgent(async (input, context) => {
      calls += 1;
      expect(context.attempt).toBe(calls);
      if (calls < 3) throw transientFailure();
      return { text: input.text };
    });
    const { orchestrator, metrics } = setup([agent], { policies: { retry: { jitter: false } } });
    const pending = settle(orchestrator.orchestrate(request));
    await vi.advanceTimersByTimeAsync(75);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(150);
    expect(await pending).toMatchObject({ status: "COMPLETED", attempts: 3 });
    expect(metrics.ofType("retryScheduled")).toEqual([
      { agent: "writer", attempt: 2, delayMs: 75 },
      { agent: "writer", attempt: 3, delayMs: 150 },
    ]);
    expect(metrics.ofType("runFinished")).toEqual([expect.objectContaining({ status: "COMPLETED", attempts: 3 })]);
  });

  it("fails at once on a non-transient error", async () => {
    const agent = scriptedAgent(async () => {
      throw new TypeError("bug in handler with sk-secret-value");
    });
    const { orchestrator, store } = setup([agent], { redactKeys: [] });
    const error = await settle(orchestrator.orchestrate(request));
    expect(error).toMatchObject({ code: "HANDLER_FAILED", runId: expect.any(String), message: "bug in handler with sk-secret-value" });
    expect(agent.handle).toHaveBeenCalledTimes(1);
    expect(await store.getRun("org-1", (error as { runId: string }).runId)).toMatchObject({ status: "FAILED", statusReason: "handler_failed", attempts: 1, error: { code: "HANDLER_FAILED" } });
  });

  it("treats a handler that throws before returning a promise like one that rejects, retries included", async () => {
    // A plain-JavaScript handler that is not async throws synchronously.
    let calls = 0;
    const agent = scriptedAgent(((input: { text: string }) => {
      calls += 1;
      if (calls === 1) throw transientFailure();
      if (calls === 2) return Promise.resolve({ text: input.text });
      throw new TypeError("thrown before any await");
    }) as unknown as Handler);
    const { orchestrator, store } = setup([agent], { policies: { retry: { jitter: false } } });
    const retried = settle(orchestrator.orchestrate(request));
    await vi.advanceTimersByTimeAsync(75);
    expect(await retried).toMatchObject({ status: "COMPLETED", attempts: 2 });
    const error = await settle(orchestrator.orchestrate(request));
    expect(error).toMatchObject({ code: "HANDLER_FAILED", message: "thrown before any await" });
    expect(await store.getRun("org-1", (error as { runId: string }).runId)).toMatchObject({ status: "FAILED", attempts: 1 });
  });

  it("fails with the last error when attempts run out", async () => {
    const agent = scriptedAgent(async () => {
      throw transientFailure();
    });
    const { orchestrator } = setup([agent]);
    const pending = settle(orchestrator.orchestrate(request));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await pending).toMatchObject({ code: "HANDLER_FAILED", message: "upstream flaked" });
    expect(agent.handle).toHaveBeenCalledTimes(3);
  });

  it("honours the retry-after of a rate-limited tool", async () => {
    const startedAt: number[] = [];
    const agent = scriptedAgent(async (input) => {
      startedAt.push(Date.now());
      if (startedAt.length === 1) throw Object.assign(new ValidationError("never"), { isRetryable: true, retryAfterMs: 3_000 });
      return input;
    });
    const { orchestrator } = setup([agent], { policies: { retry: { jitter: false } } });
    const pending = settle(orchestrator.orchestrate(request));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await pending).toMatchObject({ status: "COMPLETED", attempts: 2 });
    expect(startedAt[1]! - startedAt[0]!).toBe(3_000);
  });

  it("opens the agent's breaker after 3 failed runs, rejects with CIRCUIT_OPEN and half-opens after 10 s", async () => {
    let healthy = false;
    const agent = scriptedAgent(async (input) => {
      if (!healthy) throw new Error("down");
      return input;
    });
    const { orchestrator, store, metrics } = setup([agent]);
    for (let index = 0; index < 3; index += 1) expect(await settle(orchestrator.orchestrate(request))).toMatchObject({ code: "HANDLER_FAILED" });
    expect(orchestrator.listAgents()[0]?.breakerState).toBe("open");
    const rejected = await settle(orchestrator.orchestrate(request));
    expect(rejected).toMatchObject({ code: "CIRCUIT_OPEN", retryAfterMs: 10_000, runId: expect.any(String) });
    expect(agent.handle).toHaveBeenCalledTimes(3);
    expect(await store.getRun("org-1", (rejected as { runId: string }).runId)).toMatchObject({ status: "FAILED", statusReason: "circuit_open", attempts: 0 });
    healthy = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(orchestrator.listAgents()[0]?.breakerState).toBe("half_open");
    await expect(orchestrator.orchestrate(request)).resolves.toMatchObject({ status: "COMPLETED" });
    expect(orchestrator.listAgents()[0]?.breakerState).toBe("closed");
    expect(metrics.ofType("breakerStateChanged").map((event) => event.state)).toEqual(["open", "half_open", "closed"]);
  });

  it.each([
    ["a NeonHub handler failure", () => new HandlerFailedError("upstream said no")],
    ["a timeout inside the handler", () => new TimeoutError("tool too slow")],
  ])("counts %s against the breaker", async (_label, makeError) => {
    const agent = scriptedAgent(async () => {
      throw makeError();
    });
    const { orchestrator } = setup([agent]);
    for (let index = 0; index < 3; index += 1) await settle(orchestrator.orchestrate(request));
    expect(orchestrator.listAgents()[0]?.breakerState).toBe("open");
  });

  it("ends a run that passes its deadline TIMED_OUT, aborts the handler's signal and stops retrying", async () => {
    let signal: AbortSignal | undefined;
    const agent = scriptedAgent(async (_input, context) => {
      signal = context.signal;
      return new Promise(() => undefined);
    });
    const { orchestrator, store, metrics } = setup([agent]);
    const pending = settle(orchestrator.orchestrate({ ...request, timeoutMs: 5_000 }));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error).toMatchObject({ code: "TIMEOUT", runId: expect.any(String) });
    expect(signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(agent.handle).toHaveBeenCalledTimes(1);
    expect(await store.getRun("org-1", (error as { runId: string }).runId)).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout", durationMs: 5_000 });
    expect(metrics.ofType("runFinished")).toEqual([{ agent: "writer", status: "TIMED_OUT", durationMs: 5_000, attempts: 1 }]);
  });

  it("stops waiting for retries when the deadline passes between attempts", async () => {
    const agent = scriptedAgent(async () => {
      throw transientFailure();
    });
    const { orchestrator } = setup([agent], { policies: { retry: { baseDelayMs: 1_000, jitter: false } } });
    const pending = settle(orchestrator.orchestrate({ ...request, timeoutMs: 500 }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await pending).toMatchObject({ code: "TIMEOUT" });
    expect(agent.handle).toHaveBeenCalledTimes(1);
  });

  it("cancels a run when the caller's signal aborts", async () => {
    const agent = scriptedAgent(async () => new Promise(() => undefined));
    const { orchestrator, store } = setup([agent]);
    const controller = new AbortController();
    const pending = settle(orchestrator.orchestrate({ ...request, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    const error = await pending;
    expect(error).toMatchObject({ code: "CANCELLED", runId: expect.any(String) });
    expect(await store.getRun("org-1", (error as { runId: string }).runId)).toMatchObject({ status: "CANCELLED", statusReason: "cancelled" });
  });

  it("cancels a running run through cancel() and keeps one consistent record", async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const agent = scriptedAgent(async (_input, context) => {
      started();
      await new Promise((_resolve, reject) => context.signal.addEventListener("abort", () => reject(new Error("aborted"))));
      return { text: "never" };
    });
    const { orchestrator } = setup([agent]);
    const pending = settle(orchestrator.orchestrate(request));
    await running;
    const runId = (await orchestrator.listRuns({ organizationId: "org-1", limit: 1 })).runs[0]!.id;
    await expect(orchestrator.cancel("other-org", runId)).rejects.toMatchObject({ code: "RUN_NOT_FOUND" });
    const cancelled = await orchestrator.cancel("org-1", runId);
    expect(cancelled).toMatchObject({ status: "CANCELLED", statusReason: "cancelled" });
    expect(await pending).toMatchObject({ code: "CANCELLED", runId });
    await expect(orchestrator.cancel("org-1", runId)).resolves.toMatchObject({ status: "CANCELLED" });
    expect(agent.handle).toHaveBeenCalledTimes(1);
  });

  it.each([
    ["credentials the provider refused", () => new UnauthorizedError("Slack rejected the token of this organization")],
    ["input the agent refused", () => new ValidationError("campaign id unknown", [{ path: "campaignId", message: "Unknown" }])],
    ["content the provider refused", () => new ContentRefusedError("duplicate post", { reason: "duplicate_content" })],
  ])("does not count %s against the breaker: one organization's refusals do not close the agent to the others", async (_label, makeError) => {
    const agent = scriptedAgent(async (input, context) => {
      if (context.organizationId === "org-revoked") throw makeError();
      return input;
    });
    const { orchestrator } = setup([agent]);
    for (let index = 0; index < 5; index += 1) {
      await settle(orchestrator.orchestrate({ ...request, context: { userId: "user-1", organizationId: "org-revoked" } }));
    }
    expect(orchestrator.listAgents()[0]?.breakerState).toBe("closed");
    await expect(orchestrator.orchestrate(request)).resolves.toMatchObject({ status: "COMPLETED" });
  });

  it("does not count cancellations against the breaker", async () => {
    const agent = scriptedAgent(async () => new Promise(() => undefined));
    const { orchestrator } = setup([agent]);
    for (let index = 0; index < 4; index += 1) {
      const controller = new AbortController();
      const pending = settle(orchestrator.orchestrate({ ...request, signal: controller.signal }));
      controller.abort();
      expect(await pending).toMatchObject({ code: "CANCELLED" });
    }
    expect(orchestrator.listAgents()[0]?.breakerState).toBe("closed");
  });

  it("caps concurrent runs of an agent and rejects beyond its wait line", async () => {
    const releases: Array<() => void> = [];
    const agent = scriptedAgent(async (input) => {
      await new Promise<void>((resolve) => releases.push(resolve));
      return input;
    }, { policies: { concurrency: { maxConcurrent: 1, maxQueued: 1 } } });
    const { orchestrator, store, metrics } = setup([agent]);
    const first = settle(orchestrator.orchestrate(request));
    const second = settle(orchestrator.orchestrate(request));
    await vi.advanceTimersByTimeAsync(50);
    const third = await settle(orchestrator.orchestrate(request));
    expect(third).toMatchObject({ code: "RATE_LIMITED", details: { scope: "concurrency" } });
    expect(metrics.ofType("rateLimited")).toEqual([{ agent: "writer", scope: "concurrency" }]);
    expect(releases).toHaveLength(1);
    releases[0]!();
    await vi.advanceTimersByTimeAsync(50);
    expect(releases).toHaveLength(2);
    releases[1]!();
    await vi.advanceTimersByTimeAsync(50);
    expect(await first).toMatchObject({ status: "COMPLETED" });
    expect(await second).toMatchObject({ status: "COMPLETED" });
    expect((await store.listRuns({ organizationId: "org-1", limit: 10 })).runs).toHaveLength(2);
  });
});
