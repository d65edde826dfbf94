import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { caller, scriptedAgent, setup, storeWith } from "./orchestrator-test-kit.js";

/** A store whose run creation answers only when released: the run starts executing after the drain looked. */
function storeWithHeldCreation() {
  const inner = createMemoryRunStore();
  let release: () => void = () => undefined;
  const slowCreate = storeWith(inner, {
    createRun: async (input: Parameters<RunStore["createRun"]>[0]) => {
      await new Promise<void>((resolve) => (release = resolve));
      return inner.createRun(input);
    },
  });
  return { inner, slowCreate, releaseCreate: () => release() };
}

describe("drain and a run that starts after it began", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());

  it("waits for a run admitted before the drain but created after it began, and holds it to the deadline", async () => {
    const { inner, slowCreate, releaseCreate } = storeWithHeldCreation();
    const agent = scriptedAgent(async (input) => {
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      return input;
    }, { policies: { timeoutMs: 120_000 } });
    const { orchestrator } = setup([agent], { store: slowCreate });
    const late = orchestrator.orchestrate({ agent: "writer", input: { text: "late" }, context: caller });
    await vi.advanceTimersByTimeAsync(10);
    let drained = false;
    const draining = orchestrator.drain({ deadlineMs: 5_000 }).then((result) => ((drained = true), result));
    await vi.advanceTimersByTimeAsync(10);
    releaseCreate();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(drained).toBe(false);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(drained).toBe(true);
    await expect(late).rejects.toMatchObject({ code: "CANCELLED" });
    const [run] = (await inner.listRuns({ organizationId: "org-1", limit: 10 })).runs;
    expect(run).toMatchObject({ status: "CANCELLED", statusReason: "shutdown" });
    expect(await draining).toEqual({ finished: 0, interrupted: [run?.id] });
  });

  it("counts a run that started after the drain began and ended before the deadline as finished", async () => {
    const { slowCreate, releaseCreate } = storeWithHeldCreation();
    const agent = scriptedAgent(async (input) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return input;
    });
    const { orchestrator } = setup([agent], { store: slowCreate });
    const late = orchestrator.orchestrate({ agent: "writer", input: { text: "late" }, context: caller });
    await vi.advanceTimersByTimeAsync(10);
    const draining = orchestrator.drain({ deadlineMs: 5_000 });
    await vi.advanceTimersByTimeAsync(10);
    releaseCreate();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await late).toMatchObject({ status: "COMPLETED" });
    expect(await draining).toEqual({ finished: 1, interrupted: [] });
  });
});
