import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle, storeWith } from "./orchestrator-test-kit.js";

const HOUR = 3_600_000;

/** An agent that waits an hour for approval, then cools down for two more hours before it answers. */
const approver = defineAgent({
  name: "approver",
  version: "1.0.0",
  description: "Waits for approval, then cools down",
  input: z.object({}),
  output: z.object({ approval: z.unknown() }),
  handle: async (_input, ctx) => {
    const approval = await ctx.waitForSignal("approval", { timeoutMs: HOUR });
    await ctx.sleep("cool-down", 2 * HOUR);
    return { approval };
  },
});

function setup(store: RunStore = createMemoryRunStore()) {
  const clock = createManualClock();
  const orchestrator = createOrchestrator({ agents: [approver], store, clock, durability: { sweepIntervalMs: 0 } });
  return { clock, orchestrator, start: () => orchestrator.orchestrate({ agent: "approver", input: {}, context: caller }) };
}

describe("a signal after its wait", () => {
  it("is refused with SIGNAL_CONFLICT once the wait timed out, while the run is still open, and never stored", async () => {
    const store = createMemoryRunStore();
    const { clock, orchestrator, start } = setup(store);
    const { id } = await start();
    await clock.advance(HOUR);
    await flush();
    expect(await store.getRun("org-1", id)).toMatchObject({ status: "WAITING" });

    const refused = await settle(orchestrator.signal("org-1", id, "approval", { approved: true }, { sentBy: "manager-7" }));
    expect(refused).toMatchObject({ code: "SIGNAL_CONFLICT", message: expect.stringContaining(`its wait for "approval" ended: timed out`) });
    expect(await store.getSignal("org-1", id, "approval")).toBeNull();
    await clock.advance(2 * HOUR);
    await flush();
    expect(await store.getRun("org-1", id)).toMatchObject({ status: "COMPLETED", output: { approval: { received: false, timedOut: true } } });
  });

  it("is received when it came after the deadline but before the timeout was journaled", async () => {
    const inner = createMemoryRunStore();
    // The signal reaches the store after the resumed run looked for it, just before the run journals the timeout.
    let sentAt: Date | null = null;
    const store = storeWith(inner, {
      recordStep: async (input) => {
        if (input.timedOutSignal !== undefined && sentAt === null) {
          sentAt = new Date(clock.now());
          await inner.sendSignal({ organizationId: input.organizationId, runId: input.runId, name: input.timedOutSignal, payload: { approved: true }, sentBy: "manager-7", sentAt });
        }
        return inner.recordStep(input);
      },
    });
    const { clock, start } = setup(store);
    const { id } = await start();
    await clock.advance(HOUR);
    await flush();

    const approval = { received: true, payload: { approved: true }, sentBy: "manager-7", sentAt: sentAt!.toISOString() };
    const [wait] = await inner.listSteps("org-1", id);
    expect(wait).toMatchObject({ key: "approval", kind: "SIGNAL", status: "SUCCEEDED", output: approval });
    await clock.advance(2 * HOUR);
    await flush();
    expect(await inner.getRun("org-1", id)).toMatchObject({ status: "COMPLETED", output: { approval } });
  });
});
