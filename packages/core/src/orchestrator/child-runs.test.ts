import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { ChildRunFailedError } from "../errors/durable-errors.js";
import { HandlerFailedError } from "../errors/errors.js";
import { defineAgent } from "../model/agent-definition.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock } from "../testing/manual-clock.js";
import { CHILD_RECHECK_MS } from "./child-runs.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { flush, storeWith } from "./orchestrator-test-kit.js";

const caller = { userId: "user-1", organizationId: "org-1" };

function setup(options: { store?: RunStore; failOn?: string; childWaitsForSignal?: boolean; parentFailsOnce?: boolean } = {}) {
  const clock = createManualClock();
  const store = options.store ?? createMemoryRunStore();
  const normalized: string[] = [];
  const normalize = defineAgent({
    name: "normalize",
    version: "1.0.0",
    description: "Normalizes a text",
    input: z.object({ text: z.string() }),
    output: z.object({ text: z.string() }),
    handle: async ({ text }, context) => {
      if (options.childWaitsForSignal) await context.waitForSignal("go", { timeoutMs: 3_600_000 });
      if (text === options.failOn) throw new HandlerFailedError(`cannot normalize ${text}`);
      normalized.push(text);
      return { text: text.trim().toLowerCase() };
    },
  });
  let parentAttempts = 0;
  const pipeline = defineAgent({
    name: "pipeline",
    version: "1.0.0",
    description: "Normalizes every document through child runs",
    input: z.object({ documents: z.array(z.string()) }),
    output: z.object({ texts: z.array(z.string()) }),
    policies: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    handle: async ({ documents }, context) => {
      parentAttempts += 1;
      const results = await Promise.all(documents.map((text) => context.runAgent(normalize, { text })));
      if (options.parentFailsOnce && context.attempt === 1) throw new HandlerFailedError("flaked after its children", { isRetryable: true });
      return { texts: results.map((result) => result.text) };
    },
  });
  const orchestrator = createOrchestrator({ agents: [pipeline, normalize], store, clock, durability: { sweepIntervalMs: 0 } });
  const start = (documents: string[]) => orchestrator.orchestrate({ agent: "pipeline", input: { documents }, context: caller });
  const finalRun = async (runId: string) => {
    await vi.waitFor(async () => {
      // What the periodic sweep does, for runs whose wake-up was due while they were suspending.
      await orchestrator.resumeDueRuns();
      expect(["COMPLETED", "FAILED", "CANCELLED"]).toContain((await store.getRun("org-1", runId))?.status);
    });
    return (await store.getRun("org-1", runId))!;
  };
  const children = async (parentRunId: string) => (await store.listRuns({ organizationId: "org-1", parentRunId, limit: 10 })).runs.reverse();
  return { clock, store, orchestrator, start, finalRun, children, normalized, attempts: () => parentAttempts };
}

describe("child runs (ctx.runAgent)", () => {
  it("fans out children that the parent waits for durably, and returns their typed outputs in order", async () => {
    const { orchestrator, start, finalRun, children, normalized } = setup({ childWaitsForSignal: true });
    const parent = await start([" Alpha", "BETA ", "Gamma"]);
    expect(parent).toMatchObject({ status: "WAITING", leaseOwner: null });
    await vi.waitFor(async () => expect((await children(parent.id)).map((child) => child.status)).toEqual(["WAITING", "WAITING", "WAITING"]));
    expect((await orchestrator.getRun("org-1", parent.id))?.children.map((child) => child.status)).toEqual(["WAITING", "WAITING", "WAITING"]);
    // The last child ends first: positions in the parent's journal do not depend on the order children end in.
    for (const child of (await children(parent.id)).reverse()) await orchestrator.signal("org-1", child.id, "go", null);
    const done = await finalRun(parent.id);
    expect(done).toMatchObject({ status: "COMPLETED", output: { texts: ["alpha", "beta", "gamma"] } });
    expect(normalized.sort()).toEqual([" Alpha", "BETA ", "Gamma"].sort());
    const ended = await children(parent.id);
    expect(ended).toHaveLength(3);
    expect(ended.every((child) => child.agentName === "normalize" && child.userId === "user-1" && child.status === "COMPLETED")).toBe(true);
    const tree = await orchestrator.getRun("org-1", parent.id);
    expect(tree?.children.map((child) => [child.agentName, child.status, child.children.length, child.truncated])).toEqual([
      ["normalize", "COMPLETED", 0, false],
      ["normalize", "COMPLETED", 0, false],
      ["normalize", "COMPLETED", 0, false],
    ]);
    // Each child has a start and a result in the journal, in the order the handler asked for them.
    expect(tree?.steps.map((step) => [step.key, step.kind])).toEqual([
      ["agent:normalize#0", "STEP"],
      ["agent:normalize#0/result", "CHILD"],
      ["agent:normalize#1", "STEP"],
      ["agent:normalize#1/result", "CHILD"],
      ["agent:normalize#2", "STEP"],
      ["agent:normalize#2/result", "CHILD"],
    ]);
  });

  it("names in each CHILD step the child whose end it read, and no child in the other steps", async () => {
    const { orchestrator, store, start, finalRun } = setup();
    const parent = await start(["One", "Two"]);
    await finalRun(parent.id);
    const steps = (await orchestrator.getRun("org-1", parent.id))?.steps ?? [];
    expect(steps.map((step) => [step.key, step.childRunId === null ? null : "id"])).toEqual([
      ["agent:normalize#0", null],
      ["agent:normalize#0/result", "id"],
      ["agent:normalize#1", null],
      ["agent:normalize#1/result", "id"],
    ]);
    // The child read at each position is the one started for that document.
    const readChildren = await Promise.all(steps.filter((step) => step.kind === "CHILD").map((step) => store.getRun("org-1", step.childRunId!)));
    expect(readChildren.map((child) => [child?.parentRunId, child?.input])).toEqual([
      [parent.id, { text: "One" }],
      [parent.id, { text: "Two" }],
    ]);
    expect(steps.every((step) => !("output" in step))).toBe(true);
  });

  it("never starts a child twice when the parent is retried", async () => {
    const { clock, store, start, finalRun, normalized, attempts } = setup({ parentFailsOnce: true });
    let parent: { id: string } | undefined;
    const starting = start(["One", "Two"]).then((run) => (parent = run));
    // The retry waits its backoff on the clock.
    while (parent === undefined) {
      await clock.advance(1);
      await flush();
    }
    await starting;
    const done = await finalRun(parent.id);
    expect(done).toMatchObject({ status: "COMPLETED", output: { texts: ["one", "two"] } });
    expect(attempts()).toBeGreaterThanOrEqual(2);
    expect(normalized.sort()).toEqual(["One", "Two"]);
    expect((await store.listRuns({ organizationId: "org-1", parentRunId: parent.id, limit: 10 })).runs).toHaveLength(2);
  });

  it("fails the parent with CHILD_RUN_FAILED, naming the child and its error, when a child fails", async () => {
    const { store, start, finalRun } = setup({ failOn: "bad" });
    // The parent either parks while its children run or, when they end first, fails in this call.
    const started = await start(["good", "bad"]).catch((error: unknown) => ({ id: (error as ChildRunFailedError).runId! }));
    const done = await finalRun(started.id);
    expect(done).toMatchObject({ status: "FAILED", statusReason: "child_run_failed", error: { code: "CHILD_RUN_FAILED" } });
    const failedChild = (await store.listRuns({ organizationId: "org-1", parentRunId: started.id, status: "FAILED", limit: 10 })).runs[0];
    expect(done.error?.message).toContain(failedChild!.id);
    expect(done.error?.message).toContain("HANDLER_FAILED");
  });

  it("cancels the open children of a cancelled parent", async () => {
    const { store, orchestrator, start } = setup({ childWaitsForSignal: true });
    const parent = await start(["a", "b"]);
    await vi.waitFor(async () => {
      const children = (await store.listRuns({ organizationId: "org-1", parentRunId: parent.id, limit: 10 })).runs;
      expect(children.map((child) => child.status)).toEqual(["WAITING", "WAITING"]);
    });
    const cancelled = await orchestrator.cancel("org-1", parent.id);
    expect(cancelled.status).toBe("CANCELLED");
    const children = (await store.listRuns({ organizationId: "org-1", parentRunId: parent.id, limit: 10 })).runs;
    expect(children.map((child) => child.status)).toEqual(["CANCELLED", "CANCELLED"]);
  });

  it("finds a child that ended without waking its parent when it looks again", async () => {
    const memory = createMemoryRunStore();
    // The wake-up is lost: the child's process died between finishing and signalling, or the store was away.
    const store: RunStore = { ...memory, sendSignal: (input) => (input.name.startsWith("child:") ? Promise.reject(new Error("connection reset")) : memory.sendSignal(input)) };
    const { clock, orchestrator, start, children } = setup({ store, childWaitsForSignal: true });
    const parent = await start(["late"]);
    await vi.waitFor(async () => expect((await children(parent.id)).map((child) => child.status)).toEqual(["WAITING"]));
    await orchestrator.signal("org-1", (await children(parent.id))[0]!.id, "go", null);
    await vi.waitFor(async () => expect((await children(parent.id)).map((child) => child.status)).toEqual(["COMPLETED"]));
    expect((await memory.getRun("org-1", parent.id))?.status).toBe("WAITING");
    await clock.advance(CHILD_RECHECK_MS);
    await orchestrator.resumeDueRuns();
    await flush();
    expect(await memory.getRun("org-1", parent.id)).toMatchObject({ status: "COMPLETED", output: { texts: ["late"] } });
  });

  it("refuses a caller's signal named like a child's wake-up, so that a waiting parent is not resumed by it", async () => {
    const { clock, store, orchestrator, start, children, attempts } = setup({ childWaitsForSignal: true });
    const parent = await start(["a"]);
    await flush();
    const [kid] = await children(parent.id);
    expect(kid?.status).toBe("WAITING");
    const before = attempts();
    await expect(orchestrator.signal("org-1", parent.id, `child:${kid!.id}`, null)).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "name" }] });
    for (let i = 0; i < 100; i += 1) {
      await clock.advance(1);
      await flush();
    }
    expect(attempts() - before).toBe(0);
    expect(await store.getSignal("org-1", parent.id, `child:${kid!.id}`)).toBeNull();
  });

  it("does not resume a parent in a loop on a child's signal that came while the child is still open", async () => {
    const { clock, store, orchestrator, start, children, attempts } = setup({ childWaitsForSignal: true });
    const parent = await start(["a"]);
    await flush();
    const [kid] = await children(parent.id);
    const before = attempts();
    // Sent around the orchestrator, straight to the store.
    await store.sendSignal({ organizationId: "org-1", runId: parent.id, name: `child:${kid!.id}`, payload: null, sentBy: null, sentAt: new Date(clock.now()) });
    for (let i = 0; i < 100; i += 1) {
      await clock.advance(1);
      await flush();
      await orchestrator.resumeDueRuns();
    }
    expect(attempts() - before).toBeLessThanOrEqual(1);
    expect((await store.getRun("org-1", parent.id))?.status).toBe("WAITING");
  });

  it("resumes the parent at once when its child ends between the parent's reads of the child and of its wake-up", async () => {
    const inner = createMemoryRunStore();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holdNext = true;
    // The parent's first read of a child's wake-up waits for the test: the child ends meanwhile.
    const store = storeWith(inner, {
      getSignal: async (organizationId, runId, name) => {
        if (holdNext && name.startsWith("child:")) {
          holdNext = false;
          await held;
        }
        return inner.getSignal(organizationId, runId, name);
      },
    });
    const { orchestrator, start, finalRun, children } = setup({ store, childWaitsForSignal: true });
    const starting = start(["a"]);
    await vi.waitFor(async () => expect((await inner.listRuns({ organizationId: "org-1", limit: 10 })).runs.find((run) => run.agentName === "normalize")?.status).toBe("WAITING"));
    const [kid] = await inner.listRuns({ organizationId: "org-1", limit: 10 }).then((page) => page.runs.filter((run) => run.agentName === "normalize"));
    await orchestrator.signal("org-1", kid!.id, "go", null);
    await vi.waitFor(async () => expect(await inner.getSignal("org-1", kid!.parentRunId!, `child:${kid!.id}`)).not.toBeNull());
    release();
    const parent = await starting;
    // No clock advance: a parent that read its child as open and then found the wake-up would sleep CHILD_RECHECK_MS.
    expect(await finalRun(parent.id)).toMatchObject({ status: "COMPLETED", output: { texts: ["a"] } });
    expect((await children(parent.id)).map((child) => child.status)).toEqual(["COMPLETED"]);
  });

  it("refuses an unknown child agent as the step's failure, without queuing anything", async () => {
    const store = createMemoryRunStore();
    const lonely = defineAgent({
      name: "lonely",
      version: "1.0.0",
      description: "Calls an agent that does not exist",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, context) => context.runAgent("ghost", {}),
    });
    const orchestrator = createOrchestrator({ agents: [lonely], store, durability: { sweepIntervalMs: 0 } });
    await expect(orchestrator.orchestrate({ agent: "lonely", input: {}, context: caller })).rejects.toMatchObject({ code: "AGENT_NOT_FOUND" });
    expect((await store.listRuns({ organizationId: "org-1", agentName: "ghost", limit: 10 })).runs).toEqual([]);
  });
});
