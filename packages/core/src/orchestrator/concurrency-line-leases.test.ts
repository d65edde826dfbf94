import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { sampleRunInput } from "../testing/run-store-conformance-suite.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle } from "./orchestrator-test-kit.js";

const LEASE_MS = 30_000;

/** An agent capped at one run at a time, whose run 1 makes a slow provider call. */
function cappedAgent(clock: ManualClock, calls: string[]) {
  return defineAgent({
    name: "capped",
    version: "1.0.0",
    description: "One at a time",
    input: z.object({ n: z.number() }),
    output: z.object({}),
    policies: { concurrency: { maxConcurrent: 1, maxQueued: 5 }, timeoutMs: 120_000 },
    handle: async ({ n }, ctx) => {
      calls.push(`handler ${n}`);
      await ctx.tool("email.send", { n }, async () => {
        calls.push(`send ${n}`);
        if (n === 1) await clock.sleep(60_000); // a slow provider call
        return "ok";
      }, { repeatSafety: "with-key" });
      return {};
    },
  });
}

function setup() {
  const clock = createManualClock();
  const store = createMemoryRunStore();
  const calls: string[] = [];
  const orchestrator = createOrchestrator({ agents: [cappedAgent(clock, calls)], store, clock, durability: { executorId: "a", leaseMs: LEASE_MS, sweepIntervalMs: 0 } });
  return { clock, store, calls, orchestrator };
}

describe("a run waiting in its agent's concurrency line", () => {
  it("keeps its lease renewed while it waits for a slot, so it is not taken over, and executes once", async () => {
    const { clock, calls, orchestrator } = setup();
    const first = settle(orchestrator.orchestrate({ agent: "capped", input: { n: 1 }, context: caller }));
    await flush();
    const second = settle(orchestrator.orchestrate({ agent: "capped", input: { n: 2 }, context: caller }));
    await flush();
    expect(calls).toEqual(["handler 1", "send 1"]);
    for (let t = 0; t < 4; t += 1) {
      await clock.advance(LEASE_MS / 3);
      await flush();
    }
    // A sweep (here this instance's) finds no lapsed lease: run 2's was renewed while it waited.
    const claimed = await orchestrator.resumeDueRuns();
    await flush();
    await clock.advance(30_000);
    await flush();
    await first;
    await second;
    await flush();
    expect(claimed).toBe(0);
    expect(calls.filter((call) => call === "handler 2")).toHaveLength(1);
  });

  it("ends CANCELLED at once when cancelled while it waits, without calling the handler", async () => {
    const { clock, calls, orchestrator } = setup();
    const first = settle(orchestrator.orchestrate({ agent: "capped", input: { n: 1 }, context: caller }));
    await flush();
    const second = settle(orchestrator.orchestrate({ agent: "capped", input: { n: 2 }, context: caller }));
    await flush();
    const { runs } = await orchestrator.listRuns({ organizationId: "org-1", limit: 10 });
    const waiting = runs.find((run) => (run.input as { n: number }).n === 2)!;
    const cancelled = await orchestrator.cancel("org-1", waiting.id);
    expect(cancelled.status).toBe("CANCELLED");
    expect(await second).toMatchObject({ code: "CANCELLED" });
    await clock.advance(60_000);
    await flush();
    expect(((await first) as { status: string }).status).toBe("COMPLETED");
    expect(calls).toEqual(["handler 1", "send 1"]);
  });

  it("is where a resumed run waits too: a run taken over does not exceed the agent's cap", async () => {
    const { clock, store, calls, orchestrator } = setup();
    const first = settle(orchestrator.orchestrate({ agent: "capped", input: { n: 1 }, context: caller }));
    await flush();
    // A run of a process that died, whose lease has lapsed.
    const crashed = sampleRunInput({ organizationId: "org-1", agentName: "capped", input: { n: 3 }, lease: { owner: "dead", expiresAt: new Date(clock.now() - 1) } });
    await store.createRun(crashed);
    expect(await orchestrator.resumeDueRuns()).toBe(1);
    await flush();
    expect(calls).toEqual(["handler 1", "send 1"]);
    await clock.advance(60_000);
    await flush();
    await first;
    await flush();
    expect(calls).toEqual(["handler 1", "send 1", "handler 3", "send 3"]);
    expect((await store.getRun("org-1", crashed.id))?.status).toBe("COMPLETED");
  });
});
