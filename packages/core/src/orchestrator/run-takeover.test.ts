import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { flush, settle } from "./orchestrator-test-kit.js";

const caller = { userId: "user-1", organizationId: "org-1" };
const LEASE_MS = 30_000;

/** One provider call per step, counted; the second step of the first executor never answers. */
function pipeline(version: string, calls: string[], hang: { first: boolean }) {
  return defineAgent({
    name: "pipeline",
    version,
    description: "Two steps",
    input: z.object({}),
    output: z.object({ ids: z.array(z.string()) }),
    handle: async (_input, context) => {
      const first = await context.tool("email.send", {}, async () => (calls.push("email"), "e-1"), { repeatSafety: "with-key" });
      const second = await context.tool("stripe.charge", {}, async (call) => {
        calls.push(`stripe ${call.idempotencyKey}`);
        if (hang.first) {
          hang.first = false;
          await new Promise(() => undefined);
        }
        return "ch-1";
      }, { repeatSafety: "with-key" });
      return { ids: [first, second] };
    },
  });
}

/** A store whose lease renewals fail: the executor using it is as good as dead to the others. */
const cutOff = (store: RunStore): RunStore =>
  Object.assign(Object.create(store) as RunStore, {
    renewLeases: async () => {
      throw new Error("network partition");
    },
  });

describe("takeover of a run whose executor died", () => {
  it("resumes from the journal on another executor, exactly once, and fences the old one", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const calls: string[] = [];
    const hang = { first: true };
    const dead = createOrchestrator({ agents: [pipeline("1.0.0", calls, hang)], store: cutOff(store), clock, durability: { executorId: "dead", leaseMs: LEASE_MS, sweepIntervalMs: 0 } });
    const alive = createOrchestrator({ agents: [pipeline("1.0.0", calls, hang)], store, clock, durability: { executorId: "alive", leaseMs: LEASE_MS, sweepIntervalMs: 0 } });
    const first = settle(dead.orchestrate({ agent: "pipeline", input: {}, context: caller }));
    await flush();
    const [run] = (await store.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    expect(run).toMatchObject({ status: "RUNNING", leaseOwner: "dead", fence: 1 });
    expect(await alive.resumeDueRuns()).toBe(0);
    await clock.advance(LEASE_MS + 1);
    expect(await alive.resumeDueRuns()).toBe(1);
    await flush();
    const finished = await store.getRun("org-1", run!.id);
    expect(finished).toMatchObject({ status: "COMPLETED", output: { ids: ["e-1", "ch-1"] }, fence: 2 });
    // The email is replayed from the journal; the charge ran again with the same idempotency key.
    expect(calls.filter((call) => call === "email")).toHaveLength(1);
    const charges = calls.filter((call) => call.startsWith("stripe"));
    expect(charges).toHaveLength(2);
    expect(new Set(charges).size).toBe(1);
    // The old executor's call never answered: its caller's promise is still open, and nothing it holds can write.
    expect(await Promise.race([first, Promise.resolve("still open")])).toBe("still open");
  });

  it("stops an executor whose lease another one took, and refuses its late journal writes", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    let release: () => void = () => undefined;
    const writes: string[] = [];
    const agent = defineAgent({
      name: "slow",
      version: "1.0.0",
      description: "Slow",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, context) => {
        await context.step("wait", () => new Promise<void>((resolve) => (release = resolve)));
        await context.step("after", async () => void writes.push("after"));
        return {};
      },
    });
    const owner = createOrchestrator({ agents: [agent], store, clock, durability: { executorId: "owner", leaseMs: LEASE_MS, sweepIntervalMs: 0 } });
    const pending = settle(owner.orchestrate({ agent: "slow", input: {}, context: caller }));
    await flush();
    const [run] = (await store.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    // Another executor takes the run as if the lease had lapsed (a paused process, a clock jump).
    const [taken] = await store.claimRuns({ owner: "thief", now: new Date(clock.now() + LEASE_MS + 1), leaseExpiresAt: new Date(clock.now() + 10 * LEASE_MS), agentNames: ["slow"], limit: 1 });
    expect(taken).toMatchObject({ id: run!.id, fence: 2 });
    // The owner notices at its next renewal and stops, without writing anything more.
    await clock.advance(LEASE_MS / 3);
    await flush();
    release();
    expect(await pending).toMatchObject({ code: "LEASE_LOST", runId: run!.id });
    expect(writes).toEqual([]);
    expect(await store.listSteps("org-1", run!.id)).toEqual([]);
    expect(await store.getRun("org-1", run!.id)).toMatchObject({ status: "RUNNING", leaseOwner: "thief" });
  });

  it("fails a run that an instance with another agent version takes over, with a clear reason", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const calls: string[] = [];
    const hang = { first: true };
    const old = createOrchestrator({ agents: [pipeline("1.0.0", calls, hang)], store: cutOff(store), clock, durability: { leaseMs: LEASE_MS, sweepIntervalMs: 0 } });
    const upgraded = createOrchestrator({ agents: [pipeline("2.0.0", calls, { first: false })], store, clock, durability: { leaseMs: LEASE_MS, sweepIntervalMs: 0 } });
    void settle(old.orchestrate({ agent: "pipeline", input: {}, context: caller }));
    await flush();
    await clock.advance(LEASE_MS + 1);
    expect(await upgraded.resumeDueRuns()).toBe(1);
    await flush();
    const [run] = (await store.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    expect(run).toMatchObject({ status: "FAILED", statusReason: "agent_version_changed", error: { code: "NON_DETERMINISTIC", message: expect.stringContaining("version 1.0.0") } });
    expect(calls).toEqual(["email", expect.stringMatching(/^stripe /)]);
  });
});
