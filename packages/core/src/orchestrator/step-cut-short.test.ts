import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle, storeWith } from "./orchestrator-test-kit.js";

const LEASE_MS = 30_000;
const TIMEOUT_MS = 10_000;

/** An SMS provider whose request is sent at once and whose answer never comes: only the call's signal ends it. */
function smsProvider() {
  const sent: string[] = [];
  const send = (to: string, signal: AbortSignal) =>
    new Promise<{ sid: string }>((_resolve, reject) => {
      sent.push(to);
      signal.addEventListener("abort", () => reject(new DOMException("This operation was aborted", "AbortError")));
    });
  return { sent, send };
}

/** An agent that texts a customer (`unsafe`) while it drafts a note beside it. */
function notifier(sms: ReturnType<typeof smsProvider>) {
  return defineAgent({
    name: "notifier",
    version: "1.0.0",
    description: "Texts a customer",
    input: z.object({ to: z.string() }),
    output: z.object({ sid: z.string() }),
    policies: { timeoutMs: TIMEOUT_MS },
    handle: async (input, ctx) => {
      const [message] = await Promise.all([
        ctx.tool("sms.send", { to: input.to }, (call) => sms.send(input.to, call.signal)),
        ctx.step("note", async () => "texted"),
      ]);
      return { sid: message.sid };
    },
  });
}

/** A store that is down for some writes while `outage.on`: the note's journal entry, or the run's end. */
function partlyDown(inner: RunStore, outage: { on: boolean; of: "note" | "finish" }): RunStore {
  const down = () => new Error("connection reset");
  return storeWith(inner, {
    recordStep: async (input) => {
      if (outage.on && outage.of === "note" && input.step.key === "note") throw down();
      return inner.recordStep(input);
    },
    finishRun: async (input) => {
      if (outage.on && outage.of === "finish") throw down();
      return inner.finishRun(input);
    },
  });
}

async function advance(clock: ManualClock, ms: number, stepMs = 50) {
  for (let passed = 0; passed < ms; passed += stepMs) {
    await clock.advance(stepMs);
    await flush();
  }
}

describe("an unsafe step whose call is in flight when its run stops", () => {
  it.each([
    { stop: "its journal could not be written", of: "note" as const },
    { stop: "it timed out and its end could not be recorded", of: "finish" as const },
  ])("stays STARTED when $stop, and the resumed run ends STEP_OUTCOME_UNKNOWN without sending again", async ({ of }) => {
    const clock = createManualClock();
    const inner = createMemoryRunStore();
    const outage = { on: true, of };
    const sms = smsProvider();
    const durability = { leaseMs: LEASE_MS, sweepIntervalMs: 0 };
    const first = createOrchestrator({ agents: [notifier(sms)], store: partlyDown(inner, outage), clock, durability: { ...durability, executorId: "first" } });
    const pending = settle(first.orchestrate({ agent: "notifier", input: { to: "+15550100" }, context: caller }));
    await flush();
    expect(sms.sent).toHaveLength(1);
    // The journal's retries (1.3 s in all) or the run's deadline and the retries of its end.
    await advance(clock, TIMEOUT_MS + 2_000);
    expect(await pending).toMatchObject({ code: "STORE_UNAVAILABLE" });
    const [run] = (await inner.listRuns({ organizationId: "org-1", limit: 1 })).runs;
    expect(run).toMatchObject({ status: "RUNNING", leaseOwner: "first" });
    expect((await inner.listSteps("org-1", run!.id)).find((step) => step.key === "sms.send#0")).toMatchObject({ status: "STARTED", completedAt: null, error: { code: "STEP_OUTCOME_UNKNOWN" } });
    expect(await inner.listToolExecutions("org-1", run!.id)).toMatchObject([{ stepKey: "sms.send#0", status: "FAILED", error: { code: "STEP_OUTCOME_UNKNOWN", message: expect.stringContaining("in flight") } }]);

    // Another instance takes the run over once its lease has lapsed, with the store healthy again.
    outage.on = false;
    const second = createOrchestrator({ agents: [notifier(sms)], store: inner, clock, durability: { ...durability, executorId: "second" } });
    await clock.advance(LEASE_MS);
    expect(await second.resumeDueRuns()).toBe(1);
    await flush();
    expect(sms.sent).toHaveLength(1);
    expect(await inner.getRun("org-1", run!.id)).toMatchObject({ status: "FAILED", statusReason: "step_outcome_unknown", error: { code: "STEP_OUTCOME_UNKNOWN", message: expect.stringContaining('"sms.send#0"') } });
  });
});
