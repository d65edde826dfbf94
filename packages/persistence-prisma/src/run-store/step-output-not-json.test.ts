import { createOrchestrator, defineAgent } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { embeddedDatabaseAroundSuite } from "../test-support/embedded-database-around-suite.js";

const context = { userId: "u1", organizationId: "org-json" };
const circular = (): unknown => {
  const node: Record<string, unknown> = {};
  node.self = node;
  return node;
};

describe("a step whose output JSON cannot hold", () => {
  const database = embeddedDatabaseAroundSuite();

  it.each([
    ["a bigint", () => ({ total: 10n })],
    ["a cycle", circular],
  ])("fails the run with VALIDATION_FAILED, recorded as FAILED, after calling the step once (%s)", async (_label, output) => {
    let calls = 0;
    const counter = defineAgent({
      name: "counter",
      version: "1.0.0",
      description: "Counts something",
      input: z.object({}),
      output: z.unknown(),
      policies: { retry: { attempts: 1 } },
      handle: async (_input, ctx) => ctx.step("count", async () => ((calls += 1), output())),
    });
    const { runStore } = database();
    const orchestrator = createOrchestrator({ agents: [counter], store: runStore, durability: { sweepIntervalMs: 0 } });
    const failure = await orchestrator.orchestrate({ agent: "counter", input: {}, context }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "VALIDATION_FAILED", isRetryable: false });
    expect(await runStore.getRun(context.organizationId, (failure as { runId: string }).runId)).toMatchObject({ status: "FAILED", error: { code: "VALIDATION_FAILED" } });
    expect(calls).toBe(1);
    await orchestrator.drain({ deadlineMs: 1_000 });
  });
});
