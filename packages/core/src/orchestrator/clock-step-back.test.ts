import { describe, expect, it } from "vitest";
import { z } from "zod";
import { UpstreamFailedError } from "../errors/errors.js";
import { defineAgent } from "../model/agent-definition.js";
import type { Clock } from "../ports/clock.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { sampleRunInput } from "../testing/run-store-conformance-suite.js";
import { createOrchestrator } from "./create-orchestrator.js";

const caller = { userId: "user-1", organizationId: "org-1" };

/**
 * A clock that a test can step back, as NTP does, or as a reference clock does when a new measurement of its
 * offset is lower than the last.
 */
function steppingClock() {
  const manual = createManualClock();
  let stepMs = 0;
  const clock: Clock = { now: () => manual.now() + stepMs, sleep: manual.sleep, schedule: manual.schedule };
  return { clock, stepBack: (ms: number) => (stepMs -= ms) };
}

describe("a clock that steps back while a run executes", () => {
  it("never records a call or a run as ending before it started, nor a negative duration", async () => {
    const { clock, stepBack } = steppingClock();
    const store = createMemoryRunStore();
    const agent = defineAgent({
      name: "poster",
      version: "1.0.0",
      description: "Posts twice, the clock stepping back 50 ms during each call",
      input: z.object({}),
      output: z.object({ posted: z.number() }),
      handle: async (_input, ctx) => {
        await ctx.tool("chat.post", { n: 1 }, async () => void stepBack(50));
        await ctx
          .tool("chat.post", { n: 2 }, async () => {
            stepBack(50);
            throw new UpstreamFailedError("chat answered 400", { isRetryable: false });
          })
          .catch(() => undefined);
        return { posted: 1 };
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { sweepIntervalMs: 0 } });

    const run = await orchestrator.orchestrate({ agent: "poster", input: {}, context: caller });

    expect(run.status).toBe("COMPLETED");
    expect(run.completedAt?.getTime()).toBe(run.startedAt?.getTime());
    expect(run.durationMs).toBe(0);
    // Listed by start: the second call started 50 ms "before" the first.
    const executions = await store.listToolExecutions("org-1", run.id);
    expect(executions.map((execution) => [execution.status, execution.durationMs, execution.completedAt?.getTime() === execution.startedAt.getTime()])).toEqual([
      ["FAILED", 0, true],
      ["SUCCEEDED", 0, true],
    ]);
  });

  it("cancels a run another host started by a clock ahead of this one's with an end at its start, not before it", async () => {
    const { clock } = steppingClock();
    const store = createMemoryRunStore();
    const agent = defineAgent({ name: "poster", version: "1.0.0", description: "Posts", input: z.object({}), output: z.object({}), handle: async () => ({}) });
    const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { sweepIntervalMs: 0 } });
    const aheadStart = new Date(clock.now() + 90_000);
    const held = sampleRunInput({ organizationId: "org-1", agentName: "poster", input: {}, startedAt: aheadStart, lease: { owner: "other-host", expiresAt: new Date(clock.now() + 120_000) } });
    await store.createRun(held);

    const cancelled = await orchestrator.cancel("org-1", held.id);

    expect(cancelled).toMatchObject({ status: "CANCELLED", completedAt: aheadStart, durationMs: 0 });
  });
});
