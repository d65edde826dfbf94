import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { Clock } from "../ports/clock.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush } from "./orchestrator-test-kit.js";

/**
 * A clock whose time can be set back while its timers keep their own pace, as a wall clock (`Date.now`) stepped
 * back by time synchronization does while `setTimeout` counts on the process's monotonic time. Timers firing up
 * to a millisecond before `Date.now` reaches their time are the same in small.
 */
function steppableClock() {
  const timers = createManualClock();
  let behindMs = 0;
  const clock: Clock = { now: () => timers.now() - behindMs, sleep: timers.sleep, schedule: timers.schedule };
  return { clock, timers, stepBack: (ms: number) => void (behindMs += ms) };
}

describe("the local wake-up of a waiting run", () => {
  it.each([
    ["sweeping off", 0],
    ["a sweep every minute", 60_000],
  ])("wakes the run once it is due by the clock, when its timer fires before (%s)", async (_case, sweepIntervalMs) => {
    const { clock, timers, stepBack } = steppableClock();
    const store = createMemoryRunStore();
    const agent = defineAgent({
      name: "napper",
      version: "1.0.0",
      description: "Naps",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        await ctx.sleep("nap", 30_000);
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { sweepIntervalMs } });
    const waiting = await orchestrator.orchestrate({ agent: "napper", input: {}, context: caller });
    expect(waiting.status).toBe("WAITING");
    stepBack(5_000);
    await timers.advance(30_000);
    await flush();
    expect((await store.getRun("org-1", waiting.id))?.status).toBe("WAITING");
    await timers.advance(5_000);
    await flush();
    expect((await store.getRun("org-1", waiting.id))?.status).toBe("COMPLETED");
  });
});
