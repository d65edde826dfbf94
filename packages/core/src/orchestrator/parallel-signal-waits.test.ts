import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, storeWith } from "./orchestrator-test-kit.js";

const DAY = 24 * 3_600_000;

/** An agent that asks legal and brand for their approval at once and goes on once both answered. */
const reviewer = defineAgent({
  name: "reviewer",
  version: "1.0.0",
  description: "Waits for two approvals",
  input: z.object({}),
  output: z.object({ legal: z.unknown(), brand: z.unknown() }),
  handle: async (_input, ctx) => {
    const [legal, brand] = await Promise.all([ctx.waitForSignal("legal", { timeoutMs: DAY }), ctx.waitForSignal("brand", { timeoutMs: DAY })]);
    return { legal, brand };
  },
});

/** A store where a signal arrives while the run is being parked: after both waits looked for theirs, before the park. */
function signalWhileParking(inner: RunStore, arriving: { name: string | null; at: Date }): RunStore {
  return storeWith(inner, {
    suspendRun: async (input) => {
      if (arriving.name !== null) {
        await inner.sendSignal({ organizationId: input.organizationId, runId: input.runId, name: arriving.name, payload: { approved: true }, sentBy: arriving.name, sentAt: arriving.at });
        arriving.name = null;
      }
      return inner.suspendRun(input);
    },
  });
}

describe("waits for several signals at once", () => {
  it.each([
    { first: "legal", second: "brand" },
    { first: "brand", second: "legal" },
  ])("wake the run for $first, then for $second, and the run completes after both", async ({ first, second }) => {
    const clock = createManualClock();
    const inner = createMemoryRunStore();
    const arriving = { name: first as string | null, at: new Date(clock.now()) };
    const orchestrator = createOrchestrator({ agents: [reviewer], store: signalWhileParking(inner, arriving), clock, durability: { sweepIntervalMs: 0 } });
    const parked = await orchestrator.orchestrate({ agent: "reviewer", input: {}, context: caller });
    // The signal that came while the run parked makes it due at once, whichever of the two waits it is for, and it
    // is resumed without a sweep being asked for.
    expect(parked).toMatchObject({ status: "WAITING" });
    expect(parked.wakeAt?.getTime()).toBe(clock.now());
    await flush();
    const waiting = await inner.getRun("org-1", parked.id);
    expect(waiting?.status).toBe("WAITING");
    expect(waiting?.wakeAt?.getTime()).toBe(clock.now() + DAY);

    await clock.advance(60_000);
    await orchestrator.signal("org-1", parked.id, second, { approved: false }, { sentBy: second });
    await flush();
    const finished = await inner.getRun("org-1", parked.id);
    expect(finished).toMatchObject({
      status: "COMPLETED",
      output: { [first]: { received: true, payload: { approved: true }, sentBy: first }, [second]: { received: true, payload: { approved: false }, sentBy: second } },
    });
  });
});
