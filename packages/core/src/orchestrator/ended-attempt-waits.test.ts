import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HandlerFailedError } from "../errors/errors.js";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle, storeWith } from "./orchestrator-test-kit.js";

/**
 * A wait that an attempt asks for after it failed (from a callback still running) never starts, like a step: begun,
 * it would park the run before the next attempt has waited for its backoff, and the retry would come when the wait
 * ends instead.
 */
describe("waits asked for by a failed attempt", () => {
  it.each([
    ["sleep", "SLEEP"],
    ["signal wait", "SIGNAL"],
  ])("starts no %s the failed attempt asks for after it ended: the next attempt waits for its backoff first", async (_wait, kind) => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const minutes = 60_000;
    const startedAt = clock.now();
    const charged: number[] = [];
    const agent = defineAgent({
      name: "pauser",
      version: "1.0.0",
      description: "Pauses after a lookup while it charges",
      input: z.object({}),
      output: z.object({}),
      policies: { timeoutMs: 30 * minutes, retry: { attempts: 2, baseDelayMs: 10 * minutes, maxDelayMs: 10 * minutes, jitter: false } },
      handle: async (_input, ctx) => {
        const pause = async () => void (kind === "SLEEP" ? await ctx.sleep("pause", 60 * minutes) : await ctx.waitForSignal("pause", { timeoutMs: 60 * minutes }));
        const paused = ctx.step("lookup", () => clock.sleep(40)).then(pause);
        await ctx.step("charge", async () => {
          charged.push(clock.now() - startedAt);
          if (charged.length === 1) throw new HandlerFailedError("charge flaked", { isRetryable: true });
        });
        await paused;
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { sweepIntervalMs: 0 } });
    const pending = settle(orchestrator.orchestrate({ agent: "pauser", input: {}, context: caller }));
    await flush();
    // The lookup ends after the failed attempt: its callback's sleep must not park the run before the retry.
    await clock.advance(40);
    await flush();
    await clock.advance(10 * minutes);
    await flush();
    expect(await pending).toMatchObject({ status: "WAITING" });
    expect(charged).toEqual([0, 10 * minutes]);
    const steps = await store.listSteps("org-1", ((await pending) as { id: string }).id);
    expect(steps.map((step) => [step.key, step.kind, step.status, step.wakeAt?.getTime()])).toEqual([
      ["lookup", "STEP", "SUCCEEDED", undefined],
      ["charge", "STEP", "SUCCEEDED", undefined],
      ["pause", kind, "STARTED", startedAt + 70 * minutes],
    ]);
  });

  it("does not wait for a child whose start the failed attempt left in flight: the next attempt waits for its backoff first", async () => {
    const clock = createManualClock();
    const inner = createMemoryRunStore();
    let releaseChild: () => void = () => undefined;
    const childStored = new Promise<void>((resolve) => (releaseChild = resolve));
    // The child's start is still being stored when the parent's attempt fails.
    const store: RunStore = storeWith(inner, {
      createRun: async (input: Parameters<RunStore["createRun"]>[0]) => {
        if (input.parentRunId !== null) await childStored;
        return inner.createRun(input);
      },
    });
    const minutes = 60_000;
    const startedAt = clock.now();
    const charged: number[] = [];
    const child = defineAgent({
      name: "approval",
      version: "1.0.0",
      description: "Waits for a person",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        await ctx.waitForSignal("go", { timeoutMs: 60 * minutes });
        return {};
      },
    });
    const parent = defineAgent({
      name: "charger",
      version: "1.0.0",
      description: "Charges while its child waits",
      input: z.object({}),
      output: z.object({}),
      policies: { timeoutMs: 30 * minutes, retry: { attempts: 2, baseDelayMs: 10 * minutes, maxDelayMs: 10 * minutes, jitter: false } },
      handle: async (_input, ctx) => {
        const approved = ctx.runAgent(child, {});
        await ctx.step("charge", async () => {
          charged.push(clock.now() - startedAt);
          if (charged.length === 1) throw new HandlerFailedError("charge flaked", { isRetryable: true });
        });
        await approved;
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [parent, child], store, clock, durability: { sweepIntervalMs: 0 } });
    const pending = settle(orchestrator.orchestrate({ agent: "charger", input: {}, context: caller }));
    await flush();
    releaseChild();
    await flush();
    await clock.advance(10 * minutes);
    await flush();
    expect(await pending).toMatchObject({ status: "WAITING" });
    expect(charged).toEqual([0, 10 * minutes]);
  });
});
