import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunContext } from "../model/run-context.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller } from "./orchestrator-test-kit.js";

/** Runs an agent whose handler makes `call`, and returns what the call threw, how often its function ran, and the run. */
async function attempt(call: (ctx: RunContext, work: () => Promise<number>) => Promise<unknown>) {
  let calls = 0;
  let thrown: unknown;
  const work = async () => (calls += 1);
  const agent = defineAgent({
    name: "caller",
    version: "1.0.0",
    description: "Makes one call",
    input: z.object({}),
    output: z.object({}),
    handle: async (_input, ctx) => {
      thrown = await call(ctx, work).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (thrown !== undefined) throw thrown;
      return {};
    },
  });
  const store = createMemoryRunStore();
  const orchestrator = createOrchestrator({ agents: [agent], store, policies: { retry: { attempts: 1 } }, durability: { sweepIntervalMs: 0 } });
  const outcome = (await orchestrator.orchestrate({ agent: "caller", input: {}, context: caller }).catch((failure: unknown) => failure)) as { id?: string; runId?: string };
  const run = await store.getRun("org-1", (outcome.runId ?? outcome.id) as string);
  const steps = run === null ? [] : await store.listSteps("org-1", run.id);
  return { thrown, calls, run, steps };
}

const refusals: Array<[string, (ctx: RunContext, work: () => Promise<number>) => Promise<unknown>, { path: string; message: string }]> = [
  ["a repeatSafety with a stray space", (ctx, work) => ctx.step("send", work, { repeatSafety: "unsafe " as never }), { path: "repeatSafety", message: 'repeatSafety must be one of "safe", "with-key", "unsafe", got "unsafe ".' }],
  ["a repeatSafety that is not one", (ctx, work) => ctx.tool("mail.send", {}, work, { repeatSafety: "idempotent" as never }), { path: "repeatSafety", message: 'The options of tool call "mail.send" are invalid: repeatSafety must be one of "safe", "with-key", "unsafe", got "idempotent".' }],
  ["a misspelled step option", (ctx, work) => ctx.step("send", work, { repeatsafety: "unsafe" } as never), { path: "repeatsafety", message: 'The options of step "send" are invalid: repeatsafety is not an option; the options are repeatSafety, keyRetentionMs.' }],
  ["a misspelled tool option", (ctx, work) => ctx.tool("mail.send", {}, work, { retries: 3 } as never), { path: "retries", message: "retries is not an option; the options are secretValues, key, repeatSafety, keyRetentionMs." }],
  ["step options that are not an object", (ctx, work) => ctx.step("send", work, "unsafe" as never), { path: "", message: 'they must be an object, got "unsafe".' }],
  ["secret values that are not strings", (ctx, work) => ctx.tool("mail.send", {}, work, { secretValues: [42] as never }), { path: "secretValues", message: "secretValues must be an array of strings, got an array." }],
  ["a tool named by an empty action", (ctx, work) => ctx.tool({ connector: "mail", action: "" }, {}, work), { path: "name", message: "A tool call needs a name" }],
  ["a step without a function", (ctx) => ctx.step("send", "work" as never), { path: "fn", message: 'step "send" needs a function to run, got "work".' }],
  ["a misspelled child run option", (ctx) => ctx.runAgent("caller", {}, { timeout: 30_000 } as never), { path: "timeout", message: 'The options of the child run of "caller" are invalid: timeout is not an option; the options are key, intent, timeoutMs.' }],
  ["a child run intent that is not text", (ctx) => ctx.runAgent("caller", {}, { intent: 7 as never }), { path: "intent", message: "intent must be a string, got 7." }],
  ["a misspelled wait option", (ctx) => ctx.waitForSignal("approved", { timeoutMs: 1_000, timout: 5 } as never), { path: "timout", message: "timout is not an option; the options are timeoutMs." }],
  ["a wait without options", (ctx) => ctx.waitForSignal("approved", undefined as never), { path: "", message: "they must be an object, got undefined." }],
];

describe("options of a call inside a handler", () => {
  it.each(refusals)("refuses %s at the call, with VALIDATION_FAILED, before anything runs or is journaled", async (_case, call, expected) => {
    const { thrown, calls, steps } = await attempt(call);
    expect(thrown).toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining(expected.message), fieldErrors: [{ path: expected.path }] });
    expect(calls).toBe(0);
    expect(steps).toEqual([]);
  });

  it("fails the run as call_invalid when the handler lets the refusal through", async () => {
    const { run } = await attempt((ctx, work) => ctx.step("send", work, { repeatSafety: "idempotent" as never }));
    expect(run).toMatchObject({ status: "FAILED", statusReason: "call_invalid", error: { code: "VALIDATION_FAILED" } });
  });

  it("accepts every option the types allow", async () => {
    const { thrown, calls, steps } = await attempt(async (ctx, work) => {
      await ctx.step("read", work, { repeatSafety: "safe" });
      await ctx.step("write", work, { repeatSafety: "with-key", keyRetentionMs: 60_000 });
      await ctx.step("plain", work, {});
      await ctx.tool({ connector: "mail", action: "send" }, {}, work, { secretValues: ["s3cret"], key: "mail-1", repeatSafety: "unsafe", keyRetentionMs: undefined });
      await ctx.tool("mail.read", {}, work);
    });
    expect(thrown).toBeUndefined();
    expect(calls).toBe(5);
    expect(steps.map((step) => step.key)).toEqual(["read", "write", "plain", "mail-1", "mail.read#0"]);
  });
});
