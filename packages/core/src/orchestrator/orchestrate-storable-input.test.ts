import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { isNeonhubError } from "../errors/neonhub-error.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { STORABLE_VALUE_LIMITS } from "../util/storable-value.js";
import { caller, scriptedAgent, settle, setup } from "./orchestrator-test-kit.js";

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

  it("runs an input at the depth limit, with an idempotency key", async () => {
    const { orchestrator } = setup([anyInputAgent()]);
    const run = await orchestrator.orchestrate({ agent: "writer", input: deep(STORABLE_VALUE_LIMITS.maxDepth), context: caller, idempotencyKey: "at-limit" });
    expect(run.status).toBe("COMPLETED");
  });
});
