import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { HandlerFailedError, ValidationError } from "../errors/errors.js";
import { StepOutcomeUnknownError } from "../errors/durable-errors.js";
import { defineAgent } from "../model/agent-definition.js";
import type { RunContext } from "../model/run-context.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import type { RunStore } from "../ports/run-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { sampleRunInput } from "../testing/run-store-conformance-suite.js";
import { stepIdempotencyKey } from "../util/step-idempotency-key.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { flush, settle } from "./orchestrator-test-kit.js";

const caller = { userId: "user-1", organizationId: "org-1" };

/** An agent of three side effects whose handler each test scripts. */
function sideEffectAgent(handle: (context: RunContext) => Promise<string>, version = "1.0.0") {
  return defineAgent({
    name: "announcer",
    version,
    description: "Announces a launch",
    input: z.object({ text: z.string() }),
    output: z.object({ summary: z.string() }),
    policies: { retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 10, jitter: false } },
    handle: async (_input, context) => ({ summary: await handle(context) }),
  });
}

function setup(handle: (context: RunContext) => Promise<string>, options: { version?: string } = {}) {
  const clock = createManualClock();
  const store = createMemoryRunStore();
  const orchestrator = createOrchestrator({ agents: [sideEffectAgent(handle, options.version)], store, clock, durability: { sweepIntervalMs: 0 } });
  return { clock, store, orchestrator };
}

/** A run whose process died while its first step was in flight: its lease lapsed and its journal holds the step as started. */
async function crashedMidStep(store: RunStore, clock: ManualClock, stepKey: string) {
  const crashed = sampleRunInput({ organizationId: "org-1", agentName: "announcer", input: { text: "spring" }, lease: { owner: "dead", expiresAt: new Date(clock.now() - 1) } });
  await store.createRun(crashed);
  const startedAt = new Date(clock.now() - 5);
  await store.recordStep({
    organizationId: "org-1",
    runId: crashed.id,
    fence: 1,
    step: { position: 0, key: stepKey, kind: "TOOL", status: "STARTED", output: null, error: null, attempts: 1, startedAt, completedAt: null, wakeAt: null },
  });
  return crashed;
}

/** Runs a request to its end while moving the manual clock, so that retries' backoff passes. */
async function runToEnd(orchestrator: ReturnType<typeof createOrchestrator>, clock: ReturnType<typeof createManualClock>) {
  const pending = settle(orchestrator.orchestrate({ agent: "announcer", input: { text: "spring" }, context: caller }));
  for (let turn = 0; turn < 20; turn += 1) {
    await clock.advance(50);
    await flush();
  }
  return pending;
}

describe("journaled steps", () => {
  it("returns a succeeded step's journaled output on a retry without running it again", async () => {
    const sent = { slack: 0, email: 0, draft: 0 };
    let failures = 1;
    const { orchestrator, clock } = setup(async (context) => {
      const draft = await context.step("draft", async () => `copy ${(sent.draft += 1)}`);
      const message = await context.tool("slack.postMessage", { text: draft }, async () => ({ ts: `ts-${(sent.slack += 1)}` }));
      if (failures-- > 0) throw new HandlerFailedError("the model flaked after the post", { isRetryable: true });
      await context.tool("email.send", { to: "a@example.com" }, async () => (sent.email += 1));
      return `${draft} ${message.ts}`;
    });
    const run = (await runToEnd(orchestrator, clock)) as { id: string; status: string; output: unknown; attempts: number };
    expect(run).toMatchObject({ status: "COMPLETED", output: { summary: "copy 1 ts-1" }, attempts: 2 });
    expect(sent).toEqual({ slack: 1, email: 1, draft: 1 });
    const recorded = await orchestrator.getRun("org-1", run.id);
    expect(recorded?.toolExecutions.map((tool) => [tool.stepKey, tool.attempt, tool.status])).toEqual([
      ["slack.postMessage#0", 1, "SUCCEEDED"],
      ["email.send#0", 2, "SUCCEEDED"],
    ]);
    expect(recorded?.steps.map((step) => [step.position, step.key, step.kind, step.status, step.attempts])).toEqual([
      [0, "draft", "STEP", "SUCCEEDED", 1],
      [1, "slack.postMessage#0", "TOOL", "SUCCEEDED", 1],
      [2, "email.send#0", "TOOL", "SUCCEEDED", 1],
    ]);
    expect(recorded?.steps[0]).not.toHaveProperty("output");
  });

  it("runs a failed step again on the next attempt, counting its executions", async () => {
    let calls = 0;
    const { orchestrator, clock } = setup(async (context) => {
      const result = await context.tool("stripe.createRefund", {}, async () => {
        calls += 1;
        if (calls === 1) throw new HandlerFailedError("503 from the provider", { isRetryable: true });
        return "re_1";
      }, { repeatSafety: "with-key" });
      return result;
    });
    const run = (await runToEnd(orchestrator, clock)) as { id: string; status: string };
    expect(run.status).toBe("COMPLETED");
    expect(calls).toBe(2);
    const recorded = await orchestrator.getRun("org-1", run.id);
    expect(recorded?.steps).toMatchObject([{ key: "stripe.createRefund#0", status: "SUCCEEDED", attempts: 2 }]);
    expect(recorded?.toolExecutions.map((tool) => tool.status)).toEqual(["FAILED", "SUCCEEDED"]);
  });

  it("gives every step a stable key and idempotency key, the same on every attempt", async () => {
    const seen: string[][] = [];
    let failures = 1;
    const { orchestrator, clock } = setup(async (context) => {
      const keys: string[] = [];
      for (let index = 0; index < 2; index += 1) {
        await context.tool("x.createPost", {}, async (call) => void keys.push(`${call.stepKey} ${call.idempotencyKey}`), { repeatSafety: "with-key" });
      }
      await context.step("summary", async (step) => void keys.push(`${step.stepKey} ${step.idempotencyKey}`)).catch(() => undefined);
      await context.step("summary", async (step) => void keys.push(`${step.stepKey} ${step.idempotencyKey}`));
      seen.push(keys);
      if (failures-- > 0) throw new HandlerFailedError("again", { isRetryable: true });
      return "done";
    });
    const run = (await runToEnd(orchestrator, clock)) as { id: string };
    const expected = ["x.createPost#0", "x.createPost#1", "summary", "summary#1"].map((key) => `${key} ${stepIdempotencyKey(run.id, key)}`);
    expect(seen[0]).toEqual(expected);
    // The second attempt replays every step: none runs again, so none sees a key.
    expect(seen[1]).toEqual([]);
    expect(new Set(expected.map((entry) => entry.split(" ")[1])).size).toBe(4);
  });

  it("fails the run as NON_DETERMINISTIC when a replayed handler asks for another step, even if it catches that", async () => {
    let path = "a";
    let failures = 1;
    const { orchestrator, clock } = setup(async (context) => {
      await context.step(path === "a" ? "first" : "changed", async () => 1).catch(() => undefined);
      path = "b";
      if (failures-- > 0) throw new HandlerFailedError("retry me", { isRetryable: true });
      return "should not finish";
    });
    const error = (await runToEnd(orchestrator, clock)) as { code: string; runId: string; message: string };
    expect(error).toMatchObject({ code: "NON_DETERMINISTIC" });
    expect(error.message).toContain('"changed" at step 0');
    expect(await orchestrator.store.getRun("org-1", error.runId)).toMatchObject({ status: "FAILED", statusReason: "non_deterministic", error: { code: "NON_DETERMINISTIC" } });
  });

  it("does not repeat an unsafe step whose outcome is unknown after a crash, and names it", async () => {
    const posted = vi.fn(async () => ({ id: "post-2" }));
    const { orchestrator, store, clock } = setup(async (context) => {
      const post = await context.tool("x.createPost", { text: "hi" }, posted);
      return post.id;
    });
    const crashed = await crashedMidStep(store, clock, "x.createPost#0");
    expect(await orchestrator.resumeDueRuns()).toBe(1);
    await flush();
    expect(posted).not.toHaveBeenCalled();
    expect(await store.getRun("org-1", crashed.id)).toMatchObject({
      status: "FAILED",
      statusReason: "step_outcome_unknown",
      error: { code: "STEP_OUTCOME_UNKNOWN", message: expect.stringContaining('"x.createPost#0"') },
    });
  });

  it("repeats a step whose outcome is unknown when the provider deduplicates by its key", async () => {
    const keys: string[] = [];
    const { orchestrator, store, clock } = setup(async (context) => {
      const refund = await context.tool("stripe.createRefund", {}, async (call) => {
        keys.push(call.idempotencyKey);
        return { id: "re_1" };
      }, { repeatSafety: "with-key" });
      return refund.id;
    });
    const crashed = await crashedMidStep(store, clock, "stripe.createRefund#0");
    await orchestrator.resumeDueRuns();
    await flush();
    expect(keys).toEqual([stepIdempotencyKey(crashed.id, "stripe.createRefund#0")]);
    expect(await store.getRun("org-1", crashed.id)).toMatchObject({ status: "COMPLETED", output: { summary: "re_1" }, fence: 2 });
    expect((await store.listSteps("org-1", crashed.id))[0]).toMatchObject({ status: "SUCCEEDED", attempts: 2 });
  });

  it("fails the run when a connector reports an unsafe call's outcome unknown, and does not retry it", async () => {
    let calls = 0;
    const { orchestrator, clock } = setup(async (context) =>
      context.tool("slack.postMessage", {}, async () => {
        calls += 1;
        throw new StepOutcomeUnknownError("Slack timed out after the request was sent.", { stepKey: "slack.postMessage#0" });
      }).catch(() => "swallowed"),
    );
    const error = (await runToEnd(orchestrator, clock)) as { code: string; runId: string };
    expect(error.code).toBe("STEP_OUTCOME_UNKNOWN");
    expect(calls).toBe(1);
    const recorded = await orchestrator.getRun("org-1", error.runId);
    expect(recorded).toMatchObject({ status: "FAILED", statusReason: "step_outcome_unknown", attempts: 1 });
    expect(recorded?.steps).toMatchObject([{ status: "STARTED", error: { code: "STEP_OUTCOME_UNKNOWN" } }]);
  });

  it("retries a journal write that fails, and goes on once it is made", async () => {
    const { orchestrator, store, clock } = setup(async (context) => context.step("draft", async () => "copy"));
    const write = store.recordStep.bind(store);
    let refusals = 2;
    store.recordStep = async (input) => {
      if (refusals-- > 0) throw new Error("connection reset");
      return write(input);
    };
    const run = (await runToEnd(orchestrator, clock)) as { status: string; output: unknown };
    expect(run).toMatchObject({ status: "COMPLETED", output: { summary: "copy" } });
  });

  it("refuses an empty or overlong step key before running anything", async () => {
    const fn = vi.fn(async () => 1);
    const { orchestrator, clock } = setup(async (context) => String(await context.step("", fn)));
    expect(await runToEnd(orchestrator, clock)).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(fn).not.toHaveBeenCalled();
  });

  it("fails a run whose output the store refuses, instead of leaving it open to be resumed for ever", async () => {
    const { orchestrator, store, clock } = setup(async () => "text the store refuses");
    const finish = store.finishRun.bind(store);
    store.finishRun = async (input) => {
      if (input.output !== null) throw new ValidationError("The value has a character the store cannot hold.");
      return finish(input);
    };
    const error = (await runToEnd(orchestrator, clock)) as { code: string; runId: string };
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(await store.getRun("org-1", error.runId)).toMatchObject({ status: "FAILED", statusReason: "output_invalid", output: null, error: { code: "VALIDATION_FAILED" } });
  });
});
