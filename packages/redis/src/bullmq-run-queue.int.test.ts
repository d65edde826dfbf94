import { randomUUID } from "node:crypto";
import { createMemoryRunStore, createOrchestrator, defineAgent, MAX_NAMED_QUEUES, type RunJob } from "@neonhub/core";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createBullmqRunQueue, type BullmqRunQueue } from "./bullmq-run-queue.js";
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from "./test-support/redis-test-keys.js";
import { startTcpProxy } from "./test-support/tcp-proxy.js";

const redisUrl = TEST_REDIS_URL as string;
if (!TEST_REDIS_URL) console.warn("TEST_REDIS_URL is not set: skipping the BullMQ run queue tests (they need a real Redis).");

const opened: Array<{ prefix: string; queues: BullmqRunQueue[] }> = [];
function openQueues(count: number, options: Omit<Parameters<typeof createBullmqRunQueue>[0], "redisUrl" | "prefix"> = {}, prefix = uniquePrefix()) {
  const queues = Array.from({ length: count }, () => createBullmqRunQueue({ redisUrl, prefix, ...options }));
  opened.push({ prefix, queues });
  return { prefix, queues };
}

afterEach(async () => {
  for (const { prefix, queues } of opened.splice(0)) {
    await Promise.all(queues.map((queue) => queue.close()));
    await deleteKeys(redisUrl, prefix);
  }
});

const job = (queue = "runs", organizationId = "org"): RunJob => ({ organizationId, runId: randomUUID(), queue });

/** An executor whose jobs stay open until released, counting how many run at once per queue. */
function gatedExecutor() {
  const executed: RunJob[] = [];
  const open = new Map<string, number>();
  const peak = new Map<string, number>();
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const execute = async (received: RunJob) => {
    open.set(received.queue, (open.get(received.queue) ?? 0) + 1);
    peak.set(received.queue, Math.max(peak.get(received.queue) ?? 0, open.get(received.queue) as number));
    await gate;
    open.set(received.queue, (open.get(received.queue) as number) - 1);
    executed.push(received);
  };
  return {
    executed,
    peak,
    execute,
    open: () => [...open.values()].reduce((sum, count) => sum + count, 0),
    release: () => {
      release();
      gate = new Promise<void>((resolve) => (release = resolve));
    },
  };
}

describe.skipIf(!TEST_REDIS_URL)("BullMQ run queue", () => {
  it("hands the worker the job's agent and the deadline its request gave", async () => {
    const { queues: [queue] } = openQueues(1);
    const executed: RunJob[] = [];
    const execute = async (received: RunJob) => void executed.push(received);
    queue!.start?.(execute);
    const sent = { ...job(), agentName: "writer", timeoutMs: 1_500 };
    await queue!.add(sent, execute);
    await vi.waitFor(() => expect(executed).toEqual([sent]), { timeout: 10_000 });
  });

  it("runs each job once, on whichever instance takes it", async () => {
    const { queues: [instanceA, instanceB] } = openQueues(2, { concurrency: 2 });
    const executed: string[] = [];
    const execute = async (received: RunJob) => void executed.push(received.runId);
    instanceA!.start?.(execute);
    instanceB!.start?.(execute);
    const jobs = Array.from({ length: 10 }, () => job());
    for (const [index, each] of jobs.entries()) await (index % 2 === 0 ? instanceA! : instanceB!).add(each, execute);
    // Adding a run id twice does not queue it twice.
    await instanceA!.add(jobs[0]!, execute);
    await vi.waitFor(() => expect(executed.length).toBeGreaterThanOrEqual(10), { timeout: 10_000 });
    expect([...executed].sort()).toEqual(jobs.map((each) => each.runId).sort());
    expect(instanceA!.durable).toBe(true);
  });

  it("takes no job once paused (draining) but still adds them, for another instance to run", async () => {
    const prefix = uniquePrefix();
    const { queues: [draining] } = openQueues(1, { concurrency: 2, queues: { runs: {} } }, prefix);
    const ranOnDraining: string[] = [];
    const drainingExecute = async (received: RunJob) => void ranOnDraining.push(received.runId);
    draining!.start?.(drainingExecute);
    await draining!.pause?.();
    // A run still executing on the draining instance starts a child: the job is queued, not refused.
    const jobs = [job(), job()];
    for (const each of jobs) await draining!.add(each, drainingExecute);
    const { queues: [other] } = openQueues(1, { concurrency: 2, queues: { runs: {} } }, prefix);
    const ranOnOther: string[] = [];
    other!.start?.(async (received) => void ranOnOther.push(received.runId));
    await vi.waitFor(() => expect(ranOnOther).toHaveLength(jobs.length), { timeout: 10_000 });
    expect(ranOnDraining).toEqual([]);
  });

  it("hands back, for another instance, a job it took but had not started when draining began", async () => {
    const prefix = uniquePrefix();
    // A pace that answers only when told: the job is this instance's, held before its run starts.
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const asked: string[] = [];
    const rateLimiter = {
      consume: async (key: string) => {
        asked.push(key);
        await answered;
        return { allowed: true, remaining: 1, retryAfterMs: 0 };
      },
    };
    const paced = { "sms.send": { rateLimit: { limit: 5, windowMs: 1_000, per: "organization" as const } } };
    const { queues: [draining] } = openQueues(1, { queues: paced, rateLimiter }, prefix);
    const ranOnDraining: string[] = [];
    draining!.start?.(async (received) => void ranOnDraining.push(received.runId));
    const held = job("sms.send");
    await draining!.add(held, async () => undefined);
    await vi.waitFor(() => expect(asked).toHaveLength(1), { timeout: 10_000 });
    const paused = draining!.pause!();
    answer();
    await paused;
    expect(ranOnDraining).toEqual([]);
    const { queues: [other] } = openQueues(1, { queues: paced, rateLimiter }, prefix);
    const ranOnOther: string[] = [];
    other!.start?.(async (received) => void ranOnOther.push(received.runId));
    await vi.waitFor(() => expect(ranOnOther).toEqual([held.runId]), { timeout: 10_000 });
    expect(ranOnDraining).toEqual([]);
  });

  it("only enqueues with consume false: the jobs run on an instance that consumes", async () => {
    const prefix = uniquePrefix();
    const { queues: [producer] } = openQueues(1, { consume: false }, prefix);
    const ranOnProducer: string[] = [];
    const producerExecute = async (received: RunJob) => void ranOnProducer.push(received.runId);
    producer!.start?.(producerExecute);
    const jobs = Array.from({ length: 6 }, () => job("sms.send"));
    for (const each of jobs) await producer!.add(each, producerExecute);
    // A consuming instance runs the queues named in its settings (or that it added jobs to).
    const { queues: [consumer] } = openQueues(1, { concurrency: 2, queues: { "sms.send": {} } }, prefix);
    const ranOnConsumer: string[] = [];
    consumer!.start?.(async (received) => void ranOnConsumer.push(received.runId));
    await vi.waitFor(() => expect(ranOnConsumer).toHaveLength(jobs.length), { timeout: 10_000 });
    expect([...ranOnConsumer].sort()).toEqual(jobs.map((each) => each.runId).sort());
    expect(ranOnProducer).toEqual([]);
    expect(producer!.queueNames()).toEqual(["sms.send"]);
  });

  it("gives each named queue its own concurrency and reports its own depth", async () => {
    const depths: Array<{ queue: string; pending: number }> = [];
    const metrics = { queueDepthChanged: (event: { queue: string; pending: number }) => void depths.push(event) };
    const { queues: [queue] } = openQueues(1, { queues: { "sms.send": { concurrency: 1 }, "email.send": { concurrency: 3 } }, metrics: metrics as never });
    const executor = gatedExecutor();
    queue!.start?.(executor.execute);
    for (let index = 0; index < 4; index += 1) {
      await queue!.add(job("sms.send"), executor.execute);
      await queue!.add(job("email.send"), executor.execute);
    }
    await vi.waitFor(() => expect(executor.open()).toBe(4), { timeout: 10_000 });
    expect(executor.peak.get("sms.send")).toBe(1);
    expect(executor.peak.get("email.send")).toBe(3);
    await vi.waitFor(() => expect(depths.filter((depth) => depth.queue === "sms.send").at(-1)?.pending).toBe(3), { timeout: 10_000 });
    expect(queue!.queueNames().sort()).toEqual(["email.send", "sms.send"]);
    for (let round = 0; round < 4; round += 1) executor.release();
    await vi.waitFor(() => {
      executor.release();
      expect(executor.executed).toHaveLength(8);
    }, { timeout: 10_000 });
    expect(executor.peak.get("sms.send")).toBe(1);
  });

  it("reads a queue's depth once for a burst of jobs, and again when the burst is over", async () => {
    const depths: number[] = [];
    const metrics = { queueDepthChanged: (event: { queue: string; pending: number }) => void depths.push(event.pending) };
    const { queues: [queue] } = openQueues(1, { consume: false, metrics: metrics as never });
    const execute = async () => undefined;
    await Promise.all(Array.from({ length: 20 }, () => queue!.add(job(), execute)));
    await vi.waitFor(() => expect(depths.at(-1)).toBe(20), { timeout: 10_000 });
    expect(depths.length).toBeLessThanOrEqual(3);
  });

  it("reads the depth again while it is not 0, so a process that only enqueues sees the jobs others ran leave", async () => {
    const prefix = uniquePrefix();
    const depths: number[] = [];
    const metrics = { queueDepthChanged: (event: { queue: string; pending: number }) => void depths.push(event.pending) };
    const { queues: [producer] } = openQueues(1, { consume: false, metrics: metrics as never }, prefix);
    const execute = async () => undefined;
    for (let index = 0; index < 3; index += 1) await producer!.add(job("sms.send"), execute);
    await vi.waitFor(() => expect(producer!.pending("sms.send")).toBe(3), { timeout: 10_000 });
    const { queues: [consumer] } = openQueues(1, { queues: { "sms.send": {} } }, prefix);
    const ran: RunJob[] = [];
    consumer!.start?.(async (received) => void ran.push(received));
    await vi.waitFor(() => expect(ran).toHaveLength(3), { timeout: 10_000 });
    await vi.waitFor(() => expect(producer!.pending("sms.send")).toBe(0), { timeout: 10_000 });
    expect(depths.at(-1)).toBe(0);
  });

  it("paces a queue per organization: one organization over its limit does not hold back another", async () => {
    const { queues: [queue] } = openQueues(1, { queues: { "sms.send": { concurrency: 4, rateLimit: { limit: 1, windowMs: 60_000, per: "organization" } } } });
    const executed: RunJob[] = [];
    const execute = async (received: RunJob) => void executed.push(received);
    queue!.start?.(execute);
    for (let index = 0; index < 3; index += 1) await queue!.add(job("sms.send", "busy-org"), execute);
    await queue!.add(job("sms.send", "quiet-org"), execute);
    await vi.waitFor(() => expect(executed.map((each) => each.organizationId).sort()).toEqual(["busy-org", "quiet-org"]), { timeout: 10_000 });
    // The two other jobs of the busy organization wait (delayed) for its next window instead of running.
    await vi.waitFor(() => expect(queue!.pending("sms.send")).toBe(2), { timeout: 10_000 });
    expect(executed).toHaveLength(2);
  });

  it("keeps as many finished and failed jobs as the queue's retention says, with its priority", async () => {
    const { prefix, queues: [queue] } = openQueues(1, { queues: { "seo.analytics": { keepCompleted: 2, keepFailed: 1, priority: 3 } } });
    let calls = 0;
    const execute = async () => {
      calls += 1;
      if (calls > 4) throw new Error("the store did not answer");
    };
    queue!.start?.(execute);
    const jobs = Array.from({ length: 6 }, () => job("seo.analytics"));
    for (const each of jobs) await queue!.add(each, execute);
    const url = new URL(redisUrl);
    const inspector = new Queue("seo.analytics", { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix });
    try {
      await vi.waitFor(async () => expect(await inspector.getJobCounts("completed", "failed", "wait", "prioritized", "active")).toEqual({ completed: 2, failed: 1, wait: 0, prioritized: 0, active: 0 }), { timeout: 10_000 });
      const kept = await inspector.getJobs(["completed"]);
      expect(kept.every((each) => each.opts.priority === 3)).toBe(true);
    } finally {
      await inspector.close();
    }
  });

  it("refuses new jobs at once with STORE_UNAVAILABLE while Redis cannot be reached", async () => {
    const url = new URL(redisUrl);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    const prefix = uniquePrefix();
    const queue = createBullmqRunQueue({ redisUrl: `redis://127.0.0.1:${proxy.port}`, prefix });
    // Closed here, while the proxy still forwards; only its keys are left to the shared clean-up.
    opened.push({ prefix, queues: [] });
    const executed: string[] = [];
    const execute = async (received: RunJob) => void executed.push(received.runId);
    queue.start?.(execute);
    let cut = false;
    try {
      await vi.waitFor(() => queue.add(job(), execute), { timeout: 10_000, interval: 100 });
      // A job fetched at the moment of the cut stays active until its lock expires; the first one is done before.
      await vi.waitFor(() => expect(executed).toHaveLength(1), { timeout: 10_000 });
      await proxy.cut();
      cut = true;
      const startedAt = Date.now();
      await Promise.all([
        expect(queue.add(job(), execute)).rejects.toMatchObject({ code: "STORE_UNAVAILABLE", retryAfterMs: 5_000 }),
        expect(queue.restore(job())).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" }),
      ]);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      await proxy.restore();
      cut = false;
      await vi.waitFor(() => queue.add(job(), execute), { timeout: 10_000, interval: 100 });
      // The worker's own connection comes back within one capped reconnection delay (BullMQ's default: up to 20 s).
      await vi.waitFor(() => expect(executed.length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    } finally {
      if (cut) await proxy.restore();
      await queue.close();
      await proxy.close();
    }
  }, 60_000);

  it("picks up jobs left in Redis by a previous process as soon as it is started", async () => {
    const prefix = uniquePrefix();
    const url = new URL(redisUrl);
    const leftover = new Queue("runs", { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix });
    const runId = randomUUID();
    // A job written before jobs carried their queue's name.
    await leftover.add("run", { organizationId: "org", runId } as RunJob, { jobId: runId });
    await leftover.close();
    const { queues: [restarted] } = openQueues(1, { queues: { runs: {} } }, prefix);
    const executed: RunJob[] = [];
    restarted!.start?.(async (received) => void executed.push(received));
    await vi.waitFor(() => expect(executed).toEqual([{ organizationId: "org", runId, queue: "runs" }]), { timeout: 10_000 });
  });

  it("takes a job from a holder that died once its lock lapses (lockMs), not after BullMQ's 30 s", async () => {
    const prefix = uniquePrefix();
    const { queues: [producer] } = openQueues(1, { consume: false }, prefix);
    const held = job("runs");
    await producer!.add(held, async () => undefined);
    // A holder that takes the job and never renews its lock nor finishes: a process killed mid-job.
    const url = new URL(redisUrl);
    const dead = new Worker<RunJob>("runs", null, { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix, lockDuration: 1_000 });
    try {
      expect((await dead.getNextJob("killed-holder"))?.id).toBe(held.runId);
      const { queues: [survivor] } = openQueues(1, { queues: { runs: {} }, lockMs: 1_000 }, prefix);
      const executed: string[] = [];
      const startedAt = Date.now();
      survivor!.start?.(async (received) => void executed.push(received.runId));
      await vi.waitFor(() => expect(executed).toEqual([held.runId]), { timeout: 10_000, interval: 50 });
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    } finally {
      await dead.close(true);
    }
  });

  it("restores a lost job, leaves a waiting one alone, and replaces one that ended without starting its run", async () => {
    const { queues: [queue] } = openQueues(1, { queues: { "email.send": { concurrency: 1 } } });
    const executor = gatedExecutor();
    queue!.start?.(executor.execute);
    const active = job("email.send");
    const waiting = job("email.send");
    await queue!.add(active, executor.execute);
    await queue!.add(waiting, executor.execute);
    await vi.waitFor(() => expect(executor.open()).toBe(1), { timeout: 10_000 });
    expect(await queue!.restore(active)).toBe(false);
    expect(await queue!.restore(waiting)).toBe(false);
    const lost = job("email.send");
    expect(await queue!.restore(lost)).toBe(true);
    await vi.waitFor(() => {
      executor.release();
      expect(executor.executed.map((each) => each.runId).sort()).toEqual([active.runId, waiting.runId, lost.runId].sort());
    }, { timeout: 10_000 });
    // Its job has ended; the reconciler only asks again when the run is still QUEUED, so it is queued again.
    expect(await queue!.restore(lost)).toBe(true);
    await vi.waitFor(() => {
      executor.release();
      expect(executor.executed.filter((each) => each.runId === lost.runId)).toHaveLength(2);
    }, { timeout: 10_000 });
  });

  it("puts back a job whose record Redis kept but that is in none of its queue's lists", async () => {
    const { prefix, queues: [queue] } = openQueues(1, { consume: false });
    const stranded = job();
    expect(await queue!.restore(stranded)).toBe(true);
    // The waiting list lost the id (an eviction, a partial restore): no worker would ever take the job.
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.lrem(`${prefix}:runs:wait`, 0, stranded.runId)).toBe(1);
      expect(await queue!.restore(stranded)).toBe(true);
      expect(await redis.lrange(`${prefix}:runs:wait`, 0, -1)).toEqual([stranded.runId]);
    } finally {
      redis.disconnect();
    }
  });

  it("executes queued runs of an orchestrator on the agent's queue and lets drain cancel the running ones", async () => {
    const { queues: [queue] } = openQueues(1, { queues: { "email.compose": { concurrency: 2 } } });
    const seen: string[] = [];
    const composer = defineAgent({
      name: "composer",
      version: "1.0.0",
      description: "Composes an email",
      queue: "email.compose",
      input: z.object({ subject: z.string() }),
      output: z.object({ subject: z.string() }),
      handle: async (input) => ({ subject: input.subject.toUpperCase() }),
    });
    const waiting = defineAgent({
      name: "waiting",
      version: "1.0.0",
      description: "Waits until cancelled",
      input: z.object({}),
      output: z.object({}),
      policies: { retry: { attempts: 1 } },
      handle: (_input, context) => new Promise((_resolve, reject) => context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true })),
    });
    const recorder = { ...queue!, add: (received: RunJob, execute: (job: RunJob) => Promise<void>) => (seen.push(received.queue), queue!.add(received, execute)) };
    const orchestrator = createOrchestrator({ agents: [composer, waiting], store: createMemoryRunStore(), queue: recorder });
    const context = { organizationId: "org", userId: "user" };
    const queued = await orchestrator.enqueue({ agent: "composer", input: { subject: "launch" }, context });
    expect(queued.status).toBe("QUEUED");
    await vi.waitFor(async () => expect((await orchestrator.getRun("org", queued.id))?.output).toEqual({ subject: "LAUNCH" }), { timeout: 10_000 });

    const running = await orchestrator.enqueue({ agent: "waiting", input: {}, context });
    expect(seen).toEqual(["email.compose", "runs"]);
    await vi.waitFor(async () => expect((await orchestrator.getRun("org", running.id))?.status).toBe("RUNNING"), { timeout: 10_000 });
    const drained = await orchestrator.drain({ deadlineMs: 50 });
    expect(drained.interrupted).toEqual([running.id]);
    expect((await orchestrator.getRun("org", running.id))?.status).toBe("CANCELLED");
  });

  it("refuses settings out of range before connecting", () => {
    expect(() => createBullmqRunQueue({ redisUrl, queues: { "sms.send": { concurrency: 0 } } })).toThrow(/concurrency/);
    expect(() => createBullmqRunQueue({ redisUrl, queues: { "Bad:Name": {} } })).toThrow(/queue name/);
    expect(() => createBullmqRunQueue({ redisUrl: "http://localhost" })).toThrow(/redis:\/\//);
    expect(() => createBullmqRunQueue({ redisUrl, lockMs: 100 })).toThrow(/lockMs/);
  });

  it("refuses a default concurrency out of range, and more named queues than it serves, without opening a connection", () => {
    const connect = vi.spyOn(Redis.prototype, "connect");
    try {
      expect(() => createBullmqRunQueue({ redisUrl, concurrency: 0 })).toThrow(/concurrency must be a positive integer, got 0/);
      const queues = Object.fromEntries(Array.from({ length: MAX_NAMED_QUEUES + 1 }, (_, index) => [`queue-${index}`, {}]));
      expect(() => createBullmqRunQueue({ redisUrl, prefix: uniquePrefix(), queues })).toThrow(/at most 256 named queues; 257 are configured/);
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });

  it("refuses a per-organization window that is not whole seconds, which the Redis pace would lengthen", async () => {
    const paced = (windowMs: number) => ({ "sms.send": { rateLimit: { limit: 2, windowMs, per: "organization" as const } } });
    const attempt = (windowMs: number) => {
      try {
        return createBullmqRunQueue({ redisUrl, queues: paced(windowMs) });
      } catch (error) {
        return error;
      }
    };
    for (const windowMs of [500, 1_500]) {
      const outcome = attempt(windowMs);
      if (!(outcome instanceof Error)) await (outcome as BullmqRunQueue).close();
      expect(outcome).toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringMatching(/sms\.send.*whole seconds/) });
    }
    // Whole seconds are kept as they are; a limiter of the host's own may take any window, and a per-queue limit is BullMQ's.
    const { queues } = openQueues(0);
    queues.push(createBullmqRunQueue({ redisUrl, queues: paced(2_000) }));
    queues.push(createBullmqRunQueue({ redisUrl, queues: paced(500), rateLimiter: { consume: async () => ({ allowed: true, remaining: 1, retryAfterMs: 0 }) } }));
    queues.push(createBullmqRunQueue({ redisUrl, queues: { "sms.send": { rateLimit: { limit: 2, windowMs: 500 } } } }));
  });
});
