import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "../model/agent-definition.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { silentLogger } from "../telemetry/silent-logger.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, scoreAll, scoreLead } from "./orchestrator-test-kit.js";

const approver = defineAgent({
  name: "approver",
  version: "1.0.0",
  description: "Waits for an approval",
  input: z.object({}),
  output: z.object({ approved: z.boolean() }),
  handle: async (_input, ctx) => ({ approved: (await ctx.waitForSignal("approval", { timeoutMs: 3_600_000 })).received }),
});

describe("a waiting run that is already due when it parks", () => {
  it.each([
    ["the default sweep", undefined],
    ["sweeping off", 0],
  ])("is resumed at once, without the clock moving (%s)", async (_case, sweepIntervalMs) => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    const orchestrator = createOrchestrator({ agents: [scoreAll, scoreLead], store, clock, ...(sweepIntervalMs === undefined ? {} : { durability: { sweepIntervalMs } }) });
    const waiting = await orchestrator.orchestrate({ agent: "score-all", input: { emails: ["a@x.io", "bb@x.io"] }, context: caller });
    expect(waiting.status).toBe("WAITING");
    await flush();
    const finished = await store.getRun("org-1", waiting.id);
    expect(finished).toMatchObject({ status: "COMPLETED", output: { total: 13 } });
  });

  it("is resumed by a sweep asked for while another sweep was on its way", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    let releaseClaim: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseClaim = resolve));
    const claimRuns = store.claimRuns.bind(store);
    let claims = 0;
    // The first claim reads the store before the signal arrives and answers after it, as a slow database would.
    store.claimRuns = async (input) => {
      const claimed = await claimRuns(input);
      if ((claims += 1) === 1) await held;
      return claimed;
    };
    const orchestrator = createOrchestrator({ agents: [approver], store, clock, durability: { sweepIntervalMs: 0 } });
    const waiting = await orchestrator.orchestrate({ agent: "approver", input: {}, context: caller });
    expect(waiting.status).toBe("WAITING");
    const sweeping = orchestrator.resumeDueRuns();
    await flush();
    await orchestrator.signal("org-1", waiting.id, "approval", null);
    releaseClaim();
    await sweeping;
    await flush();
    expect(await store.getRun("org-1", waiting.id)).toMatchObject({ status: "COMPLETED", output: { approved: true } });
  });

  it("is resumed by a sweep asked for while another sweep was on its way, even when that one failed", async () => {
    const clock = createManualClock();
    const store = createMemoryRunStore();
    let failClaim: (error: Error) => void = () => undefined;
    const failing = new Promise<never>((_resolve, reject) => (failClaim = reject));
    const claimRuns = store.claimRuns.bind(store);
    let claims = 0;
    store.claimRuns = async (input) => ((claims += 1) === 1 ? failing : claimRuns(input));
    // The failed claim's warning throws too (a logger that fails), so that the sweep itself ends rejected.
    let warnings = 0;
    const logger = { ...silentLogger, warn: () => void ((warnings += 1) === 1 && throwing()), child: () => logger };
    const orchestrator = createOrchestrator({ agents: [approver], store, clock, logger, durability: { sweepIntervalMs: 0 } });
    const waiting = await orchestrator.orchestrate({ agent: "approver", input: {}, context: caller });
    const first = orchestrator.resumeDueRuns().catch((error: unknown) => error);
    await flush();
    await orchestrator.signal("org-1", waiting.id, "approval", null);
    failClaim(new Error("connection lost"));
    expect(await first).toMatchObject({ message: "the logger failed" });
    await flush();
    expect(await store.getRun("org-1", waiting.id)).toMatchObject({ status: "COMPLETED", output: { approved: true } });
  });
});

function throwing(): never {
  throw new Error("the logger failed");
}

