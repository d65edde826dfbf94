import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HandlerFailedError } from "../errors/errors.js";
import { defineAgent } from "../model/agent-definition.js";
import type { RunContext } from "../model/run-context.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle, storeWith } from "./orchestrator-test-kit.js";

/** An agent that texts (an unsafe tool) and looks something up side by side; the lookup fails on the first attempt. */
function notifier(clock: ManualClock, sent: number[], smsDelayMs: number) {
  return defineAgent({
    name: "notifier",
    version: "1.0.0",
    description: "Texts and looks something up",
    input: z.object({}),
    output: z.object({}),
    policies: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
    handle: async (_input, ctx: RunContext) => {
      await Promise.all([
        ctx.tool("sms.send", { to: "+1555" }, async () => {
          if (smsDelayMs > 0) await clock.sleep(smsDelayMs);
          sent.push(ctx.attempt);
        }),
        ctx.step("lookup", async () => {
          if (ctx.attempt === 1) throw new HandlerFailedError("lookup flaked", { isRetryable: true });
          await clock.sleep(100);
          return "ok";
        }),
      ]);
      return {};
    },
  });
}

async function runToEnd(store: RunStore, clock: ManualClock, sent: number[], smsDelayMs = 0) {
  const orchestrator = createOrchestrator({ agents: [notifier(clock, sent, smsDelayMs)], store, clock, durability: { sweepIntervalMs: 0 } });
  return driveToEnd(clock, settle(orchestrator.orchestrate({ agent: "notifier", input: {}, context: caller })));
}

/**
 * Advances the clock until the run settles. The retry's backoff waits on a real timer (p-retry's own, 1 ms here), so
 * the number of turns it takes varies with the machine's load; a fixed count of turns could stop the clock early.
 */
async function driveToEnd(clock: ManualClock, pending: Promise<unknown>): Promise<{ status?: string }> {
  let settled = false;
  void pending.finally(() => (settled = true));
  for (let turn = 0; turn < 2_000 && !settled; turn += 1) {
    await clock.advance(10);
    await flush();
  }
  return (await pending) as { status?: string };
}

describe("a retry while a step of the failed attempt is still in flight", () => {
  it("never calls an unsafe step twice when the step's start is still being journaled", async () => {
    const clock = createManualClock();
    const inner = createMemoryRunStore();
    let failedOnce = false;
    // One journal write hits a dropped connection and is retried by the journal 50 ms later.
    const store: RunStore = storeWith(inner, {
      recordStep: async (input: Parameters<RunStore["recordStep"]>[0]) => {
        if (!failedOnce && input.step.key === "sms.send#0" && input.step.status === "STARTED") {
          failedOnce = true;
          throw new Error("connection reset");
        }
        return inner.recordStep(input);
      },
    });
    const sent: number[] = [];
    const result = await runToEnd(store, clock, sent);
    expect(sent).toHaveLength(1);
    expect(result.status).toBe("COMPLETED");
  });

  it("waits for a healthy unsafe call still in flight instead of failing it as of unknown outcome", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const sent: number[] = [];
    const result = await runToEnd(store, clock, sent, 40);
    expect(result.status).toBe("COMPLETED");
    expect(sent).toEqual([1]);
    const [run] = (await store.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    const steps = await store.listSteps("org-1", run!.id);
    expect(steps.map((step) => [step.key, step.status, step.attempts])).toEqual([
      ["sms.send#0", "SUCCEEDED", 1],
      ["lookup", "SUCCEEDED", 2],
    ]);
  });

  it("starts no step the failed attempt asks for after it ended", async () => {
    const clock = createManualClock();
    const sent: number[] = [];
    const agent = defineAgent({
      name: "chained",
      version: "1.0.0",
      description: "Texts after a lookup, from a callback",
      input: z.object({}),
      output: z.object({}),
      policies: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
      handle: async (_input, ctx) => {
        const texted = ctx.step("lookup", () => clock.sleep(40)).then(() => ctx.tool("sms.send", {}, async () => void sent.push(ctx.attempt)));
        if (ctx.attempt === 1) {
          texted.catch(() => undefined);
          throw new HandlerFailedError("flaked", { isRetryable: true });
        }
        await texted;
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], clock, durability: { sweepIntervalMs: 0 } });
    const result = await driveToEnd(clock, settle(orchestrator.orchestrate({ agent: "chained", input: {}, context: caller })));
    expect(result.status).toBe("COMPLETED");
    expect(sent).toEqual([2]);
  });
});
