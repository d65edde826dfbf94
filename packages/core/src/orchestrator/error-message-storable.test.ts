import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { caller, settle, setup } from "./orchestrator-test-kit.js";

// A handler's own error may quote anything it read: a text cut inside an emoji, a NUL from a file.
const MESSAGE = "parse failed near \uD83D and \u0000 here";
const KEPT = "parse failed near \uFFFD and \uFFFD here";

const failing = (where: "handler" | "step") =>
  defineAgent({
    name: "parser",
    version: "1.0.0",
    description: "Parses something",
    input: z.object({}),
    output: z.object({}),
    policies: { retry: { attempts: 1 } },
    handle: async (_input, ctx) => {
      const fail = async (): Promise<never> => {
        throw new Error(MESSAGE);
      };
      if (where === "step") await ctx.step("parse", fail);
      else await fail();
      return {};
    },
  });

describe("an error whose message no store could keep as it is", () => {
  it.each(["handler", "step"] as const)("fails the run with its own error, the message kept with U+FFFD in place of what no store holds (thrown in the %s)", async (where) => {
    const { orchestrator, store } = setup([failing(where)]);
    const failure = await settle(orchestrator.orchestrate({ agent: "parser", input: {}, context: caller }));
    expect(failure).toMatchObject({ code: "HANDLER_FAILED" });
    const runId = (failure as { runId: string }).runId;
    expect(await store.getRun(caller.organizationId, runId)).toMatchObject({ status: "FAILED", error: { code: "HANDLER_FAILED", message: KEPT } });
    if (where === "step") {
      const steps = await store.listSteps(caller.organizationId, runId);
      expect(steps).toEqual([expect.objectContaining({ key: "parse", status: "FAILED", error: expect.objectContaining({ message: KEPT }) })]);
    }
  });
});
