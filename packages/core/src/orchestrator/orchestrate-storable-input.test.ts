import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { defineAgent } from "../model/agent-definition.js";
import type { RunJob, RunQueue } from "../ports/run-queue.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { sampleRunInput } from "../testing/index.js";
import { createManualClock } from "../testing/manual-clock.js";
import { STORABLE_VALUE_LIMITS } from "../util/storable-value.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, scriptedAgent, settle, setup } from "./orchestrator-test-kit.js";

const deep = (depth: number): unknown => {
  let value: unknown = "leaf";
  for (let level = 0; level < depth; level += 1) value = { next: value };
  return value;
};

/** An agent that takes any JSON, so that only the storable rules can refuse its input. */
const anyInputAgent = () => scriptedAgent(async () => ({ text: "ok" }), { input: z.unknown() as never });

describe("values the store cannot hold", () => {
  it.each([
    ["a NUL in the input, deep down", { input: { a: [{ b: "x\u0000" }] } }, "input.a.0.b"],
    ["a lone surrogate in the input", { input: "\uD800" }, "input"],
    ["a NUL in the intent", { input: {}, intent: "say\u0000" }, "intent"],
    ["a lone surrogate in the idempotency key", { input: {}, idempotencyKey: "key-\uDC00" }, "idempotencyKey"],
    ["a number that is not finite", { input: { n: Number.POSITIVE_INFINITY } }, "input.n"],
    ["an input nested 5,000 deep with an idempotency key", { input: deep(5_000), idempotencyKey: "deep-1" }, "input.next"],
    ["an input one level deeper than the limit", { input: deep(STORABLE_VALUE_LIMITS.maxDepth + 1) }, "input.next"],
  ])("refuses %s with a ValidationError naming the field, before any store call", async (_label, fields, path) => {
    const store = createMemoryRunStore();
    const createRun = vi.spyOn(store, "createRun");
    const findByKey = vi.spyOn(store, "findRunByIdempotencyKey");
    const { orchestrator } = setup([anyInputAgent()], { store });
    for (const call of [orchestrator.orchestrate, orchestrator.enqueue]) {
      const error = await settle(call({ agent: "writer", context: caller, ...fields }));
      expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
      expect((error as { fieldErrors: Array<{ path: string }> }).fieldErrors[0]?.path.startsWith(path)).toBe(true);
    }
    expect(createRun).not.toHaveBeenCalled();
    expect(findByKey).not.toHaveBeenCalled();
  });

  it("refuses a caller id the store cannot hold", async () => {
    const { orchestrator } = setup([anyInputAgent()]);
    const error = await settle(orchestrator.orchestrate({ agent: "writer", input: {}, context: { ...caller, userId: "user\u0000" } }));
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
  });

  it("runs an input at the depth limit, with an idempotency key, and stores it whole", async () => {
    const { orchestrator, store } = setup([anyInputAgent()]);
    const run = await orchestrator.orchestrate({ agent: "writer", input: deep(STORABLE_VALUE_LIMITS.maxDepth), context: caller, idempotencyKey: "at-limit" });
    expect(run.status).toBe("COMPLETED");
    const queued = await orchestrator.enqueue({ agent: "writer", input: deep(STORABLE_VALUE_LIMITS.maxDepth), context: caller, idempotencyKey: "queued-at-limit" });
    expect((await store.getRun("org-1", queued.id))?.input).toEqual(deep(STORABLE_VALUE_LIMITS.maxDepth));
  });
});

describe("the input a queued or resumed run receives", () => {
  const signer = (seen: unknown[], options: { sleeps?: boolean } = {}) =>
    defineAgent({
      name: "signer",
      version: "1.0.0",
      description: "Sends a document, signed or not",
      input: z.object({ documentId: z.string(), includeSignature: z.boolean() }),
      output: z.object({}),
      handle: async (input, ctx) => {
        seen.push(input);
        if (options.sleeps) await ctx.sleep("before-send", 1_000);
        await ctx.step("send", async () => (input.includeSignature ? "signed" : "unsigned"));
        return {};
      },
    });

  it("refuses to queue input that redaction would change, before anything is stored", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const createRun = vi.spyOn(store, "createRun");
    const seen: unknown[] = [];
    const agent = signer(seen);
    const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { sweepIntervalMs: 0 } });
    // Valid at admission, but "includeSignature" looks like a secret's key: it would be stored as "[REDACTED]".
    const refused = await settle(orchestrator.enqueue({ agent: "signer", input: { documentId: "d-1", includeSignature: false }, context: caller }));
    await flush();
    expect(refused).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "input.includeSignature" }] });
    expect(createRun).not.toHaveBeenCalled();
    for (const input of seen) expect(agent.input.safeParse(input).success).toBe(true);
    expect(seen).toEqual([]);
  });

  it("fails a resumed run whose stored input no longer matches the schema, without calling its handler again", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const seen: unknown[] = [];
    const agent = signer(seen, { sleeps: true });
    const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { sweepIntervalMs: 0 } });
    const waiting = await orchestrator.orchestrate({ agent: "signer", input: { documentId: "d-1", includeSignature: false }, context: caller });
    expect(waiting.status).toBe("WAITING");
    await clock.advance(1_000);
    await flush();
    await orchestrator.resumeDueRuns();
    await flush();
    expect(await store.getRun("org-1", waiting.id)).toMatchObject({ status: "FAILED", statusReason: "input_invalid", error: { code: "VALIDATION_FAILED" } });
    expect(seen).toEqual([{ documentId: "d-1", includeSignature: false }]);
    expect((await store.listSteps("org-1", waiting.id)).map((step) => step.key)).toEqual(["before-send"]);
  });

  it("fails a queued run whose stored input does not match the schema, without calling its handler", async () => {
    const store = createMemoryRunStore();
    let execute: ((job: RunJob) => Promise<void>) | undefined;
    const queue: RunQueue = { durable: true, start: (worker) => void (execute = worker), add: async () => undefined, pending: () => 0, close: async () => undefined };
    const seen: unknown[] = [];
    const orchestrator = createOrchestrator({ agents: [signer(seen)], store, queue, durability: { sweepIntervalMs: 0 } });
    // Queued by an earlier version of the agent, whose schema had no "includeSignature".
    const { run } = await store.createRun(sampleRunInput({ organizationId: "org-1", agentName: "signer", status: "QUEUED", startedAt: null, input: { documentId: "d-1" } }));
    await execute!({ organizationId: "org-1", runId: run.id, queue: "default", agentName: "signer" });
    expect(await store.getRun("org-1", run.id)).toMatchObject({ status: "FAILED", statusReason: "input_invalid", error: { code: "VALIDATION_FAILED" } });
    expect(seen).toEqual([]);
    await orchestrator.drain({ deadlineMs: 0 });
  });
});
