import { describe, expect, it } from "vitest";
import { caller, scriptedAgent, setup } from "./orchestrator-test-kit.js";

describe("a caller's parentRunId", () => {
  const agent = scriptedAgent(async (input) => input);

  it("is refused unless it names a run of the caller's organization, and nothing is stored", async () => {
    const { orchestrator, store } = setup([agent]);
    const parent = await orchestrator.orchestrate({ agent: "writer", input: { text: "a" }, context: caller });
    const stranger = { userId: "user-2", organizationId: "org-2" };

    await expect(orchestrator.enqueue({ agent: "writer", input: { text: "b" }, context: stranger, parentRunId: parent.id })).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "parentRunId" }] });
    await expect(orchestrator.orchestrate({ agent: "writer", input: { text: "b" }, context: stranger, parentRunId: parent.id })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await expect(orchestrator.enqueue({ agent: "writer", input: { text: "b" }, context: caller, parentRunId: "no-such-run" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await store.listRuns({ organizationId: "org-2", limit: 10 })).runs).toEqual([]);
    expect((await store.listRuns({ organizationId: "org-1", limit: 10 })).runs).toHaveLength(1);

    const linked = await orchestrator.enqueue({ agent: "writer", input: { text: "c" }, context: caller, parentRunId: parent.id });
    expect(linked.parentRunId).toBe(parent.id);
  });
});
