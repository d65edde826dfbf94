import { describe, expect, it } from "vitest";
import { z } from "zod";
import { NeonhubError } from "../errors/neonhub-error.js";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, goWaiter, sleeper, SLEEPER_TIMES } from "./orchestrator-test-kit.js";

const { sleepMs: SLEEP_MS, slowStepMs: SLOW_STEP_MS } = SLEEPER_TIMES;

/** A parent that starts one child with the `timeoutMs` it is given, and reports how the child ended. */
function parentOf(child: string, timeoutMs: () => number) {
  return defineAgent({
    name: "parent",
    version: "1.0.0",
    description: "Starts one child with a timeout",
    input: z.object({}),
    output: z.object({ code: z.string(), status: z.unknown() }),
    policies: { retry: { attempts: 1 } },
    handle: async (_input, context) => {
      try {
        await context.runAgent(child, {}, { timeoutMs: timeoutMs() });
        return { code: "NONE", status: "COMPLETED" };
      } catch (error) {
        if (!NeonhubError.isInstance(error) || error.code !== "CHILD_RUN_FAILED") throw error;
        return { code: error.code, status: error.details?.status };
      }
    },
  });
}

function setup(childTimeoutMs: () => number) {
  const clock = createManualClock();
  const store = createMemoryRunStore();
  const agents = [parentOf("sleeper", childTimeoutMs), sleeper(clock), { ...parentOf("waiter", childTimeoutMs), name: "waiting-parent" }, goWaiter()];
  const orchestrator = createOrchestrator({ agents, store, clock, durability: { sweepIntervalMs: 0 } });
  const children = async (parentRunId: string) => (await store.listRuns({ organizationId: "org-1", parentRunId, limit: 10 })).runs;
  return { clock, store, orchestrator, children };
}

describe("a child run's timeoutMs (ctx.runAgent)", () => {
  it("bounds every execution of the child, which ends TIMED_OUT under a longer agent timeout, and the parent sees CHILD_RUN_FAILED", async () => {
    const { clock, store, orchestrator, children } = setup(() => 1_000);
    const parent = await orchestrator.orchestrate({ agent: "parent", input: {}, context: caller });
    expect(parent.status).toBe("WAITING");
    await flush();
    const [child] = await children(parent.id);
    expect(child).toMatchObject({ agentName: "sleeper", status: "WAITING", timeoutMs: 1_000 });
    // Past the sleep the child resumes, and its slow step outlasts the 1 s bound.
    await clock.advance(SLEEP_MS);
    await flush();
    await clock.advance(SLOW_STEP_MS);
    await flush();
    expect(await store.getRun("org-1", child!.id)).toMatchObject({ status: "TIMED_OUT", statusReason: "timeout", timeoutMs: 1_000 });
    await orchestrator.resumeDueRuns();
    await flush();
    expect(await store.getRun("org-1", parent.id)).toMatchObject({ status: "COMPLETED", output: { code: "CHILD_RUN_FAILED", status: "TIMED_OUT" }, timeoutMs: null });
  });

  it.each([0, -1, 1.5, Number.NaN, 24 * 60 * 60 * 1000 + 1, "1000"])("refuses timeoutMs %s with the request's VALIDATION_FAILED before the child is stored", async (invalid) => {
    const { store, orchestrator, children } = setup(() => invalid as number);
    const refused = await orchestrator.orchestrate({ agent: "parent", input: {}, context: caller }).catch((error: unknown) => error);
    const asRequest = await orchestrator.enqueue({ agent: "sleeper", input: {}, context: caller, timeoutMs: invalid as number }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: (asRequest as { fieldErrors: unknown }).fieldErrors });
    const [parent] = (await store.listRuns({ organizationId: "org-1", agentName: "parent", limit: 10 })).runs;
    expect(parent).toMatchObject({ status: "FAILED", error: { code: "VALIDATION_FAILED" } });
    // Refused before the start step: nothing is journaled, so a fixed handler starts the child afresh.
    expect((await orchestrator.getRun("org-1", parent!.id))?.steps).toEqual([]);
    expect(await children(parent!.id)).toEqual([]);
    expect((await store.listRuns({ organizationId: "org-1", agentName: "sleeper", limit: 10 })).runs).toEqual([]);
  });

  it("is ignored on a replay that finds the child already started, which keeps the timeoutMs it was started with", async () => {
    let childTimeoutMs = 600_000;
    const { store, orchestrator, children } = setup(() => childTimeoutMs);
    const parent = await orchestrator.orchestrate({ agent: "waiting-parent", input: {}, context: caller });
    await flush();
    const [child] = await children(parent.id);
    expect(child).toMatchObject({ status: "WAITING", timeoutMs: 600_000 });
    // The handler now asks for a bound a new child would be refused: its child exists, so nothing checks it.
    childTimeoutMs = 0;
    await orchestrator.signal("org-1", child!.id, "go", null);
    await flush();
    await orchestrator.resumeDueRuns();
    await flush();
    expect(await store.getRun("org-1", parent.id)).toMatchObject({ status: "COMPLETED", output: { code: "NONE" } });
    expect(await children(parent.id)).toEqual([expect.objectContaining({ id: child!.id, status: "COMPLETED", timeoutMs: 600_000 })]);
  });
});
