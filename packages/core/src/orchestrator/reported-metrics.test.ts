import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { caller, settle, setup } from "./orchestrator-test-kit.js";

const reporter = (report: (ctx: Parameters<Parameters<typeof defineAgent>[0]["handle"]>[1]) => void) =>
  defineAgent({
    name: "reporter",
    version: "1.0.0",
    description: "Reports a metric",
    input: z.object({}),
    output: z.object({}),
    policies: { retry: { attempts: 1 } },
    handle: async (_input, ctx) => {
      report(ctx);
      return {};
    },
  });

describe("ctx.reportMetric", () => {
  it("records a finite value with its unit, count by default", async () => {
    const { orchestrator, store } = setup([reporter((ctx) => (ctx.reportMetric("tokens", 42), ctx.reportMetric("cost", 0.25, "usd")))]);
    const run = await orchestrator.orchestrate({ agent: "reporter", input: {}, context: caller });
    const reported = (await store.listRunMetrics(caller.organizationId, run.id)).filter((metric) => ["tokens", "cost"].includes(metric.name));
    expect(reported).toEqual([{ name: "tokens", value: 42, unit: "count" }, { name: "cost", value: 0.25, unit: "usd" }]);
  });

  it.each([
    ["a ratio of zero by zero", ["ctr", 0 / 0], "value"],
    ["an infinite value", ["spend", Number.POSITIVE_INFINITY], "value"],
    ["a value that is not a number", ["tokens", "5" as unknown as number], "value"],
    ["a NUL in the name", ["tok\u0000ens", 1], "name"],
    ["an unpaired surrogate in the unit", ["tokens", 1, "\uD800"], "unit"],
  ] as const)("refuses %s at the call, so the run ends recorded as failed", async (_label, args, field) => {
    let thrown: unknown;
    const { orchestrator, store } = setup([
      reporter((ctx) => {
        try {
          ctx.reportMetric(...(args as readonly [string, number, string?]));
        } catch (error) {
          thrown = error;
          throw error;
        }
      }),
    ]);
    const failure = await settle(orchestrator.orchestrate({ agent: "reporter", input: {}, context: caller }));
    expect(thrown).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [expect.objectContaining({ path: field })] });
    expect(failure).toMatchObject({ code: "VALIDATION_FAILED" });
    const run = await store.getRun(caller.organizationId, (failure as { runId: string }).runId);
    expect(run).toMatchObject({ status: "FAILED" });
  });
});
