import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HandlerFailedError } from "../errors/errors.js";
import { defineAgent } from "../model/agent-definition.js";
import type { RunContext } from "../model/run-context.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createManualClock, type ManualClock } from "../testing/manual-clock.js";
import { stepIdempotencyKey } from "../util/step-idempotency-key.js";
import { createOrchestrator } from "./create-orchestrator.js";
import { caller, flush, settle } from "./orchestrator-test-kit.js";

const LEASE_MS = 30_000;
const RETENTION_MS = 120_000;
const START_MS = Date.UTC(2026, 0, 1);
const STEP_KEY = "chat.post#0";

/** A chat provider that records every key it is sent; the host of each of its first `unanswered` calls dies before the answer. */
function chatProvider(unanswered: number) {
  const keys: string[] = [];
  const post = (key: string) => {
    keys.push(key);
    return keys.length <= unanswered ? new Promise<{ id: string }>(() => undefined) : Promise.resolve({ id: `m-${keys.length}` });
  };
  return { keys, post };
}

/** An agent that posts one message, deduplicated by its key, which the provider keeps for `keyRetentionMs` if given. */
function announcer(chat: ReturnType<typeof chatProvider>, keyRetentionMs?: number) {
  const options: Parameters<RunContext["tool"]>[3] = { repeatSafety: "with-key", ...(keyRetentionMs === undefined ? {} : { keyRetentionMs }) };
  return defineAgent({
    name: "announcer",
    version: "1.0.0",
    description: "Posts a launch message",
    input: z.object({}),
    output: z.object({ id: z.string() }),
    policies: { timeoutMs: 3_600_000 },
    handle: async (_input, ctx) => ctx.tool("chat.post", {}, (call) => chat.post(call.idempotencyKey), options),
  });
}

/**
 * A host that starts its own run or takes one over at `atMs`, then dies if its call is never answered: its clock is
 * never moved again, so it renews no lease and writes nothing more.
 */
async function host(store: RunStore, chat: ReturnType<typeof chatProvider>, atMs: number, keyRetentionMs: number | undefined, start: boolean): Promise<ManualClock> {
  const clock = createManualClock(START_MS);
  await clock.set(atMs);
  const orchestrator = createOrchestrator({ agents: [announcer(chat, keyRetentionMs)], store, clock, durability: { executorId: `host-${atMs}`, leaseMs: LEASE_MS, sweepIntervalMs: 0 } });
  if (start) void settle(orchestrator.orchestrate({ agent: "announcer", input: {}, context: caller }));
  else expect(await orchestrator.resumeDueRuns()).toBe(1);
  await flush();
  return clock;
}

async function onlyRun(store: RunStore) {
  const [run] = (await store.listRuns({ organizationId: "org-1", limit: 1 })).runs;
  return run!;
}

describe("a with-key step whose provider keeps its key for a while", () => {
  it("is journaled STARTED, with its start, before its call", async () => {
    const store = createMemoryRunStore();
    await host(store, chatProvider(1), START_MS, RETENTION_MS, true);
    const run = await onlyRun(store);
    expect(await store.listSteps("org-1", run.id)).toMatchObject([{ key: STEP_KEY, status: "STARTED", startedAt: new Date(START_MS), completedAt: null }]);
  });

  it.each([
    { resumedAfter: LEASE_MS + 1, when: "a lease after the crash" },
    { resumedAfter: RETENTION_MS - LEASE_MS - 1, when: "just within the retention less a lease" },
  ])("is executed again once, with the same key, when its run is resumed $when", async ({ resumedAfter }) => {
    const store = createMemoryRunStore();
    const chat = chatProvider(1);
    await host(store, chat, START_MS, RETENTION_MS, true);
    await host(store, chat, START_MS + resumedAfter, RETENTION_MS, false);
    const run = await onlyRun(store);
    expect(chat.keys).toEqual([stepIdempotencyKey(run.id, STEP_KEY), stepIdempotencyKey(run.id, STEP_KEY)]);
    expect(await store.getRun("org-1", run.id)).toMatchObject({ status: "COMPLETED", output: { id: "m-2" }, fence: 2 });
    expect(await store.listSteps("org-1", run.id)).toMatchObject([{ status: "SUCCEEDED", attempts: 2 }]);
  });

  it.each([
    { resumedAfter: RETENTION_MS - LEASE_MS, when: "once the retention less a lease has passed" },
    { resumedAfter: 24 * 3_600_000, when: "a day later" },
  ])("is not executed again, and fails its run with STEP_OUTCOME_UNKNOWN naming it, $when", async ({ resumedAfter }) => {
    const store = createMemoryRunStore();
    const chat = chatProvider(1);
    await host(store, chat, START_MS, RETENTION_MS, true);
    await host(store, chat, START_MS + resumedAfter, RETENTION_MS, false);
    const run = await onlyRun(store);
    expect(chat.keys).toHaveLength(1);
    expect(await store.getRun("org-1", run.id)).toMatchObject({
      status: "FAILED",
      statusReason: "step_outcome_unknown",
      error: { code: "STEP_OUTCOME_UNKNOWN", message: expect.stringContaining(`"${STEP_KEY}"`) },
    });
  });

  it("counts its age from its first start, as the provider's window began with the first call that sent the key", async () => {
    const store = createMemoryRunStore();
    const chat = chatProvider(2);
    await host(store, chat, START_MS, RETENTION_MS, true);
    // The second host repeats the call within the retention and dies during it too.
    await host(store, chat, START_MS + LEASE_MS + 1, RETENTION_MS, false);
    const run = await onlyRun(store);
    expect(await store.listSteps("org-1", run.id)).toMatchObject([{ status: "STARTED", attempts: 2, startedAt: new Date(START_MS) }]);
    // Within the retention of the second call, but not of the first.
    await host(store, chat, START_MS + RETENTION_MS - LEASE_MS, RETENTION_MS, false);
    expect(chat.keys).toHaveLength(2);
    expect(await store.getRun("org-1", run.id)).toMatchObject({ status: "FAILED", error: { code: "STEP_OUTCOME_UNKNOWN" } });
  });
});

describe("a with-key step retried after a definite failure", () => {
  const RETRY_DELAY_MS = 60_000;

  /** A chat provider whose first call fails at once (the key was sent) and whose second is never answered. */
  function flakyThenSilent() {
    const keys: string[] = [];
    const post = (key: string) => {
      keys.push(key);
      if (keys.length === 1) return Promise.reject(new HandlerFailedError("chat answered 503", { isRetryable: true }));
      return keys.length === 2 ? new Promise<{ id: string }>(() => undefined) : Promise.resolve({ id: `m-${keys.length}` });
    };
    return { keys, post };
  }

  /** A host whose run's first call fails, whose retry `retryDelayMs` later is never answered, and which then dies. */
  async function failThenDie(store: RunStore, chat: ReturnType<typeof flakyThenSilent>, retryDelayMs: number) {
    const clock = createManualClock(START_MS);
    const agent = defineAgent({
      name: "announcer",
      version: "1.0.0",
      description: "Posts a launch message",
      input: z.object({}),
      output: z.object({ id: z.string() }),
      policies: { timeoutMs: 3_600_000, retry: { attempts: 3, baseDelayMs: retryDelayMs, maxDelayMs: retryDelayMs, jitter: false } },
      handle: async (_input, ctx) => ctx.tool("chat.post", {}, (call) => chat.post(call.idempotencyKey), { repeatSafety: "with-key", keyRetentionMs: RETENTION_MS }),
    });
    const orchestrator = createOrchestrator({ agents: [agent], store, clock, durability: { executorId: "first", leaseMs: LEASE_MS, sweepIntervalMs: 0 } });
    void settle(orchestrator.orchestrate({ agent: "announcer", input: {}, context: caller }));
    await flush();
    await clock.advance(retryDelayMs);
    await flush();
    expect(chat.keys).toHaveLength(2);
  }

  it("counts its age from the failed call, which sent the key first", async () => {
    const store = createMemoryRunStore();
    const chat = flakyThenSilent();
    await failThenDie(store, chat, RETRY_DELAY_MS);
    const run = await onlyRun(store);
    expect(await store.listSteps("org-1", run.id)).toMatchObject([{ status: "STARTED", attempts: 2, startedAt: new Date(START_MS) }]);
    // 40 s after the retry's call but 100 s after the first: the provider may forget the key within the next lease.
    await host(store, chat, START_MS + RETRY_DELAY_MS + 40_000, RETENTION_MS, false);
    expect(chat.keys).toHaveLength(2);
    expect(await store.getRun("org-1", run.id)).toMatchObject({ status: "FAILED", error: { code: "STEP_OUTCOME_UNKNOWN", message: expect.stringContaining("started 100000 ms ago") } });
  });

  it("counts from the retry once the failed call is older than the provider's retention and a lease", async () => {
    const store = createMemoryRunStore();
    const chat = flakyThenSilent();
    const lateRetryMs = RETENTION_MS + LEASE_MS;
    await failThenDie(store, chat, lateRetryMs);
    const run = await onlyRun(store);
    expect(await store.listSteps("org-1", run.id)).toMatchObject([{ status: "STARTED", attempts: 2, startedAt: new Date(START_MS + lateRetryMs) }]);
    await host(store, chat, START_MS + lateRetryMs + LEASE_MS + 1, RETENTION_MS, false);
    expect(chat.keys).toHaveLength(3);
    expect(await store.getRun("org-1", run.id)).toMatchObject({ status: "COMPLETED", output: { id: "m-3" } });
  });
});

describe("a with-key step without a key retention", () => {
  it("skips the STARTED write and is executed again with the same key however late its run is resumed", async () => {
    const store = createMemoryRunStore();
    const chat = chatProvider(1);
    await host(store, chat, START_MS, undefined, true);
    const run = await onlyRun(store);
    expect(await store.listSteps("org-1", run.id)).toEqual([]);
    await host(store, chat, START_MS + 24 * 3_600_000, undefined, false);
    expect(chat.keys).toEqual([stepIdempotencyKey(run.id, STEP_KEY), stepIdempotencyKey(run.id, STEP_KEY)]);
    expect(await store.getRun("org-1", run.id)).toMatchObject({ status: "COMPLETED" });
  });
});

describe("keyRetentionMs", () => {
  it.each([
    { options: { repeatSafety: "with-key" as const, keyRetentionMs: 0 }, problem: "positive" },
    { options: { repeatSafety: "with-key" as const, keyRetentionMs: 1.5 }, problem: "whole" },
    { options: { repeatSafety: "with-key" as const, keyRetentionMs: Number.NaN }, problem: "whole" },
    { options: { repeatSafety: "unsafe" as const, keyRetentionMs: 60_000 }, problem: "with-key" },
    { options: { keyRetentionMs: 60_000 }, problem: "with-key" },
  ])("is refused with VALIDATION_FAILED before anything runs: $options", async ({ options, problem }) => {
    let calls = 0;
    const seen: unknown[] = [];
    const agent = defineAgent({
      name: "checker",
      version: "1.0.0",
      description: "Checks options",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        for (const call of [() => ctx.tool("chat.post", {}, async () => (calls += 1), options), () => ctx.step("post", async () => (calls += 1), options)]) {
          await call().catch((error: unknown) => seen.push(error));
        }
        return {};
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], durability: { sweepIntervalMs: 0 } });
    await orchestrator.orchestrate({ agent: "checker", input: {}, context: caller });
    expect(calls).toBe(0);
    expect(seen).toMatchObject([
      { code: "VALIDATION_FAILED", message: expect.stringContaining(problem), fieldErrors: [{ path: "keyRetentionMs" }] },
      { code: "VALIDATION_FAILED", fieldErrors: [{ path: "keyRetentionMs" }] },
    ]);
  });
});
