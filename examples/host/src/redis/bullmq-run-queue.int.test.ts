import { randomUUID } from "node:crypto";
import { createMemoryRunStore, createOrchestrator, type RunJob } from "@neonhub/core";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it, vi } from "vitest";
import { echoAgent, waitingAgent } from "../testing/test-agents.js";
import { startTcpProxy } from "../testing/tcp-proxy.js";
import { createBullmqRunQueue } from "./bullmq-run-queue.js";

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn("TEST_REDIS_URL is not set: skipping the BullMQ run queue tests (they need a real Redis).");

const queueNames: string[] = [];
function uniqueQueueName(): string {
  const name = `neonhub-test-${randomUUID()}`;
  queueNames.push(name);
  return name;
}

afterEach(async () => {
  for (const name of queueNames.splice(0)) {
    const url = new URL(redisUrl as string);
    const queue = new Queue(name, { connection: { host: url.hostname, port: Number(url.port || 6379) } });
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

describe.skipIf(!redisUrl)("BullMQ run queue", () => {
  it("runs each job once, on whichever instance takes it", async () => {
    const queueName = uniqueQueueName();
    const instanceA = createBullmqRunQueue({ redisUrl: redisUrl as string, queueName, concurrency: 2 });
    const instanceB = createBullmqRunQueue({ redisUrl: redisUrl as string, queueName, concurrency: 2 });
    const executed: string[] = [];
    const execute = async (job: RunJob) => void executed.push(job.runId);
    const runIds = Array.from({ length: 10 }, () => randomUUID());
    for (const [index, runId] of runIds.entries()) await (index % 2 === 0 ? instanceA : instanceB).add({ organizationId: "org", runId }, execute);
    // Adding a run id twice does not queue it twice.
    await instanceA.add({ organizationId: "org", runId: runIds[0] as string }, execute);
    await vi.waitFor(() => expect(executed.length).toBeGreaterThanOrEqual(10), { timeout: 10_000 });
    await instanceA.close();
    await instanceB.close();
    expect([...executed].sort()).toEqual([...runIds].sort());
    expect(instanceA.durable).toBe(true);
  });

  it("refuses new jobs at once with STORE_UNAVAILABLE while Redis cannot be reached", async () => {
    const url = new URL(redisUrl as string);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    const queue = createBullmqRunQueue({ redisUrl: `redis://127.0.0.1:${proxy.port}`, queueName: uniqueQueueName() });
    const executed: string[] = [];
    const execute = async (job: RunJob) => void executed.push(job.runId);
    try {
      await queue.add({ organizationId: "org", runId: randomUUID() }, execute);
      await proxy.cut();
      const startedAt = Date.now();
      await expect(queue.add({ organizationId: "org", runId: randomUUID() }, execute)).rejects.toMatchObject({ code: "STORE_UNAVAILABLE", retryAfterMs: 5_000 });
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      await proxy.restore();
      await vi.waitFor(async () => {
        await queue.add({ organizationId: "org", runId: randomUUID() }, execute);
      }, { timeout: 10_000, interval: 100 });
      await vi.waitFor(() => expect(executed.length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    } finally {
      await queue.close();
      await proxy.close();
    }
  });

  it("picks up jobs left in Redis by a previous process as soon as it is started", async () => {
    const queueName = uniqueQueueName();
    const url = new URL(redisUrl as string);
    const leftover = new Queue(queueName, { connection: { host: url.hostname, port: Number(url.port || 6379) } });
    const runId = randomUUID();
    await leftover.add("run", { organizationId: "org", runId }, { jobId: runId });
    await leftover.close();
    const restarted = createBullmqRunQueue({ redisUrl: redisUrl as string, queueName });
    const executed: string[] = [];
    restarted.start?.(async (job) => void executed.push(job.runId));
    await vi.waitFor(() => expect(executed).toEqual([runId]), { timeout: 10_000 });
    await restarted.close();
  });

  it("executes queued runs of an orchestrator and lets close wait for the running ones", async () => {
    const queue = createBullmqRunQueue({ redisUrl: redisUrl as string, queueName: uniqueQueueName() });
    const orchestrator = createOrchestrator({ agents: [echoAgent, waitingAgent], store: createMemoryRunStore(), queue });
    const context = { organizationId: "org", userId: "user" };
    const queued = await orchestrator.enqueue({ agent: "echo", input: { text: "queued" }, context });
    expect(queued.status).toBe("QUEUED");
    await vi.waitFor(async () => expect((await orchestrator.getRun("org", queued.id))?.status).toBe("COMPLETED"), { timeout: 10_000 });
    expect((await orchestrator.getRun("org", queued.id))?.toolExecutions).toHaveLength(1);

    const waiting = await orchestrator.enqueue({ agent: "waiting", input: {}, context });
    await vi.waitFor(async () => expect((await orchestrator.getRun("org", waiting.id))?.status).toBe("RUNNING"), { timeout: 10_000 });
    const drained = await orchestrator.drain({ deadlineMs: 50 });
    expect(drained.interrupted).toEqual([waiting.id]);
    expect((await orchestrator.getRun("org", waiting.id))?.status).toBe("CANCELLED");
  });
});
