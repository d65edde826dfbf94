import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { caller, settle, setup } from "./orchestrator-test-kit.js";

const circular = (): unknown => {
  const node: Record<string, unknown> = {};
  node.self = node;
  return node;
};

const counting = (output: () => unknown) => {
  const calls = { count: 0 };
  const agent = defineAgent({
    name: "counter",
    version: "1.0.0",
    description: "Counts something",
    input: z.object({}),
    output: z.unknown(),
    policies: { retry: { attempts: 3 } },
    handle: async (_input, ctx) => ctx.step("count", async () => ((calls.count += 1), output())),
  });
  return { agent, calls };
};

// PostgreSQL refuses these or journals NaN as null, where the memory store keeps NaN and text with NUL. The orchestrator refuses them
// itself, so that a test on the memory store fails what production fails, and a replay sees what the first attempt saw.
describe("a step output no store can journal", () => {
  it.each([
    ["a bigint", () => ({ total: 10n }), "output.total"],
    ["a number that is not finite", () => ({ ratio: 0 / 0 }), "output.ratio"],
    ["a NUL character", () => ["ok", "a\u0000b"], "output.1"],
    ["a cycle", circular, "output.self"],
  ])("fails the run with VALIDATION_FAILED after calling the step once (%s)", async (_label, output, path) => {
    const { agent, calls } = counting(output);
    const { orchestrator, store } = setup([agent]);
    const failure = await settle(orchestrator.orchestrate({ agent: "counter", input: {}, context: caller }));
    expect(failure).toMatchObject({ code: "VALIDATION_FAILED", isRetryable: false, fieldErrors: [expect.objectContaining({ path: expect.stringContaining(path) })] });
    const run = await store.getRun(caller.organizationId, (failure as { runId: string }).runId);
    expect(run).toMatchObject({ status: "FAILED", statusReason: "call_invalid", error: { code: "VALIDATION_FAILED" } });
    expect(calls.count).toBe(1);
  });

  it("journals an output JSON can hold, dates included, and returns it in its JSON form as every store does", async () => {
    const at = new Date("2026-12-07T10:00:00.000Z");
    const { agent } = counting(() => ({ total: 3, at, items: ["a", null, true] }));
    const { orchestrator } = setup([agent]);
    const run = await orchestrator.orchestrate({ agent: "counter", input: {}, context: caller });
    expect(run).toMatchObject({ status: "COMPLETED", output: { total: 3, at: at.toISOString(), items: ["a", null, true] } });
  });
});
