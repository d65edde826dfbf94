import { createMemoryRunStore, createOrchestrator, defineAgent, type AgentRun, type RunJob } from "@neonhub/core";
import { createManualClock, createRecordingMetricsSink } from "@neonhub/core/testing";
import { Queue, Worker } from "bullmq";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createBullmqRunQueue, type BullmqRunQueue } from "./bullmq-run-queue.js";
import { createQueuedRunReconciler } from "./queued-run-reconciler.js";
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from "./test-support/redis-test-keys.js";

const redisUrl = TEST_REDIS_URL as string;
if (!TEST_REDIS_URL) console.warn("TEST_REDIS_URL is not set: skipping the queued run reconciler tests (they need a real Redis).");

const DELAY_MS = 30_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!TEST_REDIS_URL)("queued run reconciler on Redis", () => {
  it("puts back, exactly once, the queued runs whose jobs Redis lost", async () => {
    const prefix = uniquePrefix();
    const queues: BullmqRunQueue[] = [];
    const openQueue = () => {
      const queue = createBullmqRunQueue({ redisUrl, prefix, queues: { "intake.fetch": { concurrency: 1 } } });
      queues.push(queue);
      return queue;
    };
    cleanups.push(() => deleteKeys(redisUrl, prefix));
    const executions = new Map<string, number>();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetcher = defineAgent({
      name: "fetcher",
      version: "1.0.0",
      description: "Fetches a page",
      queue: "intake.fetch",
      input: z.object({ url: z.string() }),
      output: z.object({ url: z.string() }),
      handle: async (input, context) => {
        executions.set(context.runId, (executions.get(context.runId) ?? 0) + 1);
        await gate;
        return input;
      },
    });
    const store = createMemoryRunStore();
    const orchestrator = createOrchestrator({ agents: [fetcher], store, queue: openQueue() });
    cleanups.push(() => orchestrator.drain({ deadlineMs: 1_000 }));
    const context = { organizationId: "org", userId: "user" };
    const runs: AgentRun[] = [];
    for (let index = 0; index < 6; index += 1) runs.push(await orchestrator.enqueue({ agent: "fetcher", input: { url: `https://example.com/${index}` }, context }));
    await vi.waitFor(() => expect(executions.size).toBe(1), { timeout: 10_000 });

    // Redis loses every key of these queues, as a restart of a Redis that keeps nothing on disk would do.
    expect(await deleteKeys(redisUrl, prefix)).toBeGreaterThan(0);
    release();
    const statuses = async () => Promise.all(runs.map(async (run) => (await store.getRun("org", run.id))?.status));
    await vi.waitFor(async () => expect((await statuses()).filter((status) => status === "COMPLETED")).toHaveLength(1), { timeout: 10_000 });
    expect((await statuses()).filter((status) => status === "QUEUED")).toHaveLength(5);

    // Two hosts reconcile at the same moment, once the delay has passed.
    const clock = createManualClock(Date.now() + DELAY_MS + 1_000);
    const agents = [fetcher];
    const [first, second] = await Promise.all([
      createQueuedRunReconciler({ store, queue: queues[0]!, agents, delayMs: DELAY_MS, clock }).reconcile(),
      createQueuedRunReconciler({ store, queue: openQueue(), agents, delayMs: DELAY_MS, clock }).reconcile(),
    ]);
    expect(first.checked + second.checked).toBe(10);
    const restored = [...first.restored, ...second.restored];
    expect(new Set(restored).size).toBe(5);

    await vi.waitFor(async () => expect(await statuses()).toEqual(runs.map(() => "COMPLETED")), { timeout: 15_000 });
    expect([...executions.values()]).toEqual(runs.map(() => 1));
    expect(await createQueuedRunReconciler({ store, queue: queues[0]!, agents, delayMs: DELAY_MS, clock }).reconcile()).toEqual({ checked: 0, restored: [] });
    cleanups.push(() => Promise.all(queues.slice(1).map((queue) => queue.close())));
  });

  it("leaves alone runs queued for less than the delay, and runs whose jobs are still there", async () => {
    const prefix = uniquePrefix();
    const queue = createBullmqRunQueue({ redisUrl, prefix });
    cleanups.push(() => deleteKeys(redisUrl, prefix), () => queue.close());
    const store = createMemoryRunStore();
    const agent = defineAgent({ name: "idle", version: "1.0.0", description: "Never starts here", input: z.object({}), output: z.object({}), handle: async () => ({}) });
    // No worker: the queue only stores its job.
    const job = { organizationId: "org", runId: "", queue: "runs" };
    const { run } = await store.createRun({ id: "run-1", agentName: "idle", agentVersion: "1.0.0", organizationId: "org", userId: "user", intent: null, input: {}, idempotencyKey: null, requestHash: null, status: "QUEUED", createdAt: new Date(), startedAt: null, traceId: null, parentRunId: null, lease: null });
    await queue.restore({ ...job, runId: run.id });
    const clock = createManualClock(Date.now());
    const reconciler = createQueuedRunReconciler({ store, queue, agents: [agent], delayMs: DELAY_MS, clock });
    expect(await reconciler.reconcile()).toEqual({ checked: 0, restored: [] });
    await clock.advance(DELAY_MS + 1_000);
    expect(await reconciler.reconcile()).toEqual({ checked: 1, restored: [] });
  });

  it("puts back a lost run even when more older runs than one pass reads are legitimately waiting", async () => {
    const prefix = uniquePrefix();
    const queue = createBullmqRunQueue({ redisUrl, prefix, queues: { "sms.send": { concurrency: 1 } } });
    cleanups.push(() => deleteKeys(redisUrl, prefix), () => queue.close());
    const sms = defineAgent({ name: "sms", version: "1.0.0", description: "slow, rate limited", queue: "sms.send", input: z.object({}), output: z.object({}), handle: async () => ({}) });
    const fast = defineAgent({ name: "fast", version: "1.0.0", description: "fast", input: z.object({}), output: z.object({}), handle: async () => ({}) });
    const store = createMemoryRunStore();
    const base = Date.now() - 60 * 60_000;
    const create = (id: string, agentName: string, createdAt: Date) =>
      store.createRun({ id, agentName, agentVersion: "1.0.0", organizationId: "org", userId: "u", intent: null, input: {}, idempotencyKey: null, requestHash: null, status: "QUEUED", createdAt, startedAt: null, traceId: null, parentRunId: null, lease: null });

    // A healthy backlog on a rate-limited queue: 12 runs whose jobs are waiting in Redis (nothing consumes here).
    for (let index = 0; index < 12; index += 1) {
      const id = `sms-${String(index).padStart(2, "0")}`;
      await create(id, "sms", new Date(base + index));
      expect(await queue.restore({ organizationId: "org", runId: id, queue: "sms.send", agentName: "sms" })).toBe(true);
    }
    // A later run of another queue whose job Redis lost (failover, eviction).
    await create("fast-lost", "fast", new Date(base + 1_000));

    const clock = createManualClock(Date.now());
    // pageSize 1 => 10 runs per pass, the same ratio as the defaults (500 x 10 = 5,000 runs per pass).
    const reconciler = createQueuedRunReconciler({ store, queue, agents: [sms, fast], delayMs: 30_000, pageSize: 1, clock });
    const restored: string[] = [];
    for (let pass = 0; pass < 5; pass += 1) {
      restored.push(...(await reconciler.reconcile()).restored);
      await clock.advance(15_000);
    }
    expect(restored).toContain("fast-lost");
  });

  it("goes on where the last pass stopped and wraps around, checking no run twice in a pass", async () => {
    const clock = createManualClock(Date.now());
    const store = createMemoryRunStore();
    for (let index = 0; index < 25; index += 1) {
      const id = `run-${String(index).padStart(2, "0")}`;
      await store.createRun({ id, agentName: "idle", agentVersion: "1.0.0", organizationId: "org", userId: "user", intent: null, input: {}, idempotencyKey: null, requestHash: null, status: "QUEUED", createdAt: new Date(clock.now() - 60_000 + index), startedAt: null, traceId: null, parentRunId: null, lease: null });
    }
    const checks: string[][] = [];
    const queue = { restore: async (job: { runId: string }) => (checks.at(-1)!.push(job.runId), false) };
    const reconciler = createQueuedRunReconciler({ store, queue, agents: [], delayMs: 1_000, pageSize: 3, clock });
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => `run-${String(from + index).padStart(2, "0")}`);
    for (let pass = 0; pass < 3; pass += 1) {
      checks.push([]);
      expect(await reconciler.reconcile()).toEqual({ checked: checks.at(-1)!.length, restored: [] });
    }
    // 10 pages of 3 = 30 runs per pass: the first reaches the end; each pass checks every run once.
    expect(checks).toEqual([ids(0, 25), ids(0, 25), ids(0, 25)]);

    const small = createQueuedRunReconciler({ store, queue, agents: [], delayMs: 1_000, pageSize: 1, clock });
    checks.length = 0;
    for (let pass = 0; pass < 3; pass += 1) {
      checks.push([]);
      expect((await small.reconcile()).checked).toBe(10);
    }
    // 10 runs per pass: the third reaches the newest run and goes on from the oldest.
    expect(checks).toEqual([ids(0, 10), ids(10, 20), [...ids(20, 25), ...ids(0, 5)]]);
  });

  it("puts back a run whose job BullMQ failed for stalling more often than allowed, before the run started", async () => {
    const prefix = uniquePrefix();
    const url = new URL(redisUrl);
    const connection = { host: url.hostname, port: Number(url.port || 6379) };
    // Holders that take the job and die at once; the checker only moves jobs whose lock lapsed (BullMQ's maxStalledCount is 1).
    const holders = [0, 1].map(() => new Worker<RunJob>("runs", null, { connection, prefix, lockDuration: 300 }));
    const checker = new Worker<RunJob>("runs", null, { connection, prefix, lockDuration: 300, stalledInterval: 300, autorun: false });
    const inspector = new Queue("runs", { connection, prefix });
    const producer = createBullmqRunQueue({ redisUrl, prefix, consume: false });
    cleanups.push(
      () => deleteKeys(redisUrl, prefix),
      () => Promise.all([producer.close(), inspector.close(), ...[...holders, checker].map((worker) => worker.close(true))]),
    );
    const store = createMemoryRunStore();
    const agent = defineAgent({ name: "idle", version: "1.0.0", description: "Started by the test", input: z.object({}), output: z.object({}), handle: async () => ({}) });
    const { run } = await store.createRun({ id: "run-stalled", agentName: "idle", agentVersion: "1.0.0", organizationId: "org", userId: "user", intent: null, input: {}, idempotencyKey: null, requestHash: null, status: "QUEUED", createdAt: new Date(), startedAt: null, traceId: null, parentRunId: null, lease: null });
    await producer.add({ organizationId: "org", runId: run.id, queue: "runs", agentName: "idle" }, async () => undefined);
    void checker.startStalledCheckTimer();
    for (const [index, holder] of holders.entries()) {
      await vi.waitFor(async () => expect((await holder.getNextJob(`killed-${index}`))?.id).toBe(run.id), { timeout: 5_000, interval: 50 });
    }
    // Stalled twice: BullMQ puts it back marked to fail, and fails it when a worker next takes it, without running it.
    await vi.waitFor(async () => expect((await inspector.getJob(run.id))?.stalledCounter).toBe(2), { timeout: 5_000, interval: 50 });
    const executed: string[] = [];
    const consumer = createBullmqRunQueue({ redisUrl, prefix, queues: { runs: {} } });
    cleanups.push(() => consumer.close());
    consumer.start?.(async (received) => void executed.push(received.runId));
    await vi.waitFor(async () => expect(await inspector.getJobState(run.id)).toBe("failed"), { timeout: 5_000, interval: 50 });
    expect(executed).toEqual([]);

    const clock = createManualClock(Date.now() + DELAY_MS + 1_000);
    const reconciler = createQueuedRunReconciler({ store, queue: consumer, agents: [agent], delayMs: DELAY_MS, clock });
    expect(await reconciler.reconcile()).toEqual({ checked: 1, restored: [run.id] });
    await vi.waitFor(() => expect(executed).toEqual([run.id]), { timeout: 5_000, interval: 50 });
  });

  it("runs a pass every interval once started, and stops", async () => {
    const clock = createManualClock(Date.now());
    const passes: Date[] = [];
    const store = { listQueuedRuns: async ({ createdBefore }: { createdBefore: Date }) => (passes.push(createdBefore), []) };
    const reconciler = createQueuedRunReconciler({ store, queue: { restore: async () => true }, agents: [], delayMs: 1_000, intervalMs: 5_000, clock });
    reconciler.start();
    await clock.advance(5_000);
    await clock.advance(5_000);
    expect(passes.map((cutOff) => cutOff.getTime())).toEqual([clock.now() - 5_000 - 1_000, clock.now() - 1_000]);
    await reconciler.stop();
    await clock.advance(20_000);
    expect(passes).toHaveLength(2);
  });

  it("reports each pass with the runs it put back, a pass that failed half-way with those put back before", async () => {
    const clock = createManualClock(Date.now());
    const queued = (runId: string) => ({ runId, organizationId: "org", agentName: "fetcher", createdAt: new Date(clock.now() - 60_000) });
    let pages = 0;
    const store = {
      listQueuedRuns: async () => {
        pages += 1;
        if (pages === 2) throw new Error("connection reset");
        return pages === 1 ? [queued("run-1"), queued("run-2")] : [queued("run-3")];
      },
    };
    const metrics = createRecordingMetricsSink();
    const reconciler = createQueuedRunReconciler({ store, queue: { restore: async (job) => job.runId !== "run-2" }, agents: [], delayMs: 1_000, pageSize: 2, clock, metrics });
    await expect(reconciler.reconcile()).rejects.toThrow("connection reset");
    expect(await reconciler.reconcile()).toEqual({ checked: 1, restored: ["run-3"] });
    expect(metrics.ofType("backgroundPassFinished")).toEqual([
      { task: "queued_run_reconciliation", outcome: "failed", items: 1 },
      { task: "queued_run_reconciliation", outcome: "succeeded", items: 1 },
    ]);
  });

  it("started again while a pass is ending, keeps one pass per interval", async () => {
    const clock = createManualClock(Date.now());
    let passes = 0;
    let release = () => {};
    const store = { listQueuedRuns: () => (passes += 1, new Promise<never[]>((resolve) => (release = () => resolve([])))) };
    const reconciler = createQueuedRunReconciler({ store, queue: { restore: async () => true }, agents: [], delayMs: 1_000, intervalMs: 5_000, clock });
    reconciler.start();
    await clock.advance(5_000);
    const stopping = reconciler.stop();
    reconciler.start();
    release();
    await stopping;
    // One timer: the ending pass's. Two would run two passes at once from here on.
    await clock.advance(5_000);
    expect(passes).toBe(2);
    release();
    await reconciler.stop();
  });
});
