import { describe, expect, it } from "vitest";
import type { RunJob } from "../ports/run-queue.js";
import { createManualClock } from "../testing/manual-clock.js";
import { createRecordingMetricsSink } from "../testing/recording-metrics-sink.js";
import { createInProcessRunQueue } from "./in-process-run-queue.js";

let sequence = 0;
const job = (queue: string, organizationId = "org"): RunJob => ({ organizationId, runId: `run-${(sequence += 1)}`, queue });
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Jobs stay open until released; records the order they started in. */
function gatedExecutor() {
  const started: RunJob[] = [];
  const releases: Array<() => void> = [];
  const execute = (received: RunJob) =>
    new Promise<void>((resolve) => {
      started.push(received);
      releases.push(resolve);
    });
  const releaseAll = async () => {
    for (const release of releases.splice(0)) release();
    await settle();
  };
  return { started, execute, releaseAll };
}

describe("in-process run queue", () => {
  it("runs each named queue with its own concurrency and reports each depth", async () => {
    const metrics = createRecordingMetricsSink();
    const queue = createInProcessRunQueue({ queues: { "sms.send": { concurrency: 1 }, "email.send": { concurrency: 2 } }, metrics });
    const executor = gatedExecutor();
    for (let index = 0; index < 3; index += 1) {
      await queue.add(job("sms.send"), executor.execute);
      await queue.add(job("email.send"), executor.execute);
    }
    expect(executor.started.map((each) => each.queue).sort()).toEqual(["email.send", "email.send", "sms.send"]);
    expect(queue.pending("sms.send")).toBe(2);
    expect(queue.pending("email.send")).toBe(1);
    expect(queue.pending()).toBe(3);
    expect(metrics.ofType("queueDepthChanged").filter((event) => event.queue === "sms.send").at(-1)).toMatchObject({ pending: 2 });
    await executor.releaseAll();
    expect(executor.started).toHaveLength(5);
    await executor.releaseAll();
    expect(executor.started).toHaveLength(6);
    expect(queue.pending()).toBe(0);
  });

  it("reports every configured queue at once, so each has a depth before its first job", () => {
    const metrics = createRecordingMetricsSink();
    createInProcessRunQueue({ queues: { "intake.fetch": {}, "learning.tune": {} }, metrics });
    expect(metrics.ofType("queueDepthChanged").map((event) => event.queue).sort()).toEqual(["intake.fetch", "learning.tune"]);
  });

  it("gives a queue that is not configured the default concurrency", async () => {
    const queue = createInProcessRunQueue({ concurrency: 2 });
    const executor = gatedExecutor();
    for (let index = 0; index < 3; index += 1) await queue.add(job("runs"), executor.execute);
    expect(executor.started).toHaveLength(2);
    expect(queue.pending("runs")).toBe(1);
  });

  it("paces each organization on its own: jobs over the limit wait for the next window, others pass them", async () => {
    const clock = createManualClock();
    const queue = createInProcessRunQueue({ queues: { "sms.send": { concurrency: 10, rateLimit: { limit: 1, windowMs: 1_000, per: "organization" } } }, clock });
    const started: RunJob[] = [];
    const execute = async (received: RunJob) => void started.push(received);
    for (let index = 0; index < 3; index += 1) await queue.add(job("sms.send", "busy"), execute);
    await queue.add(job("sms.send", "quiet"), execute);
    expect(started.map((each) => each.organizationId)).toEqual(["busy", "quiet"]);
    expect(queue.pending("sms.send")).toBe(2);
    await clock.advance(999);
    expect(started).toHaveLength(2);
    await clock.advance(1);
    expect(started.map((each) => each.organizationId)).toEqual(["busy", "quiet", "busy"]);
    await clock.advance(1_000);
    expect(started).toHaveLength(4);
    expect(queue.pending()).toBe(0);
  });

  it("lets another organization's job pass however many jobs of a held organization wait before it", async () => {
    const clock = createManualClock();
    const queue = createInProcessRunQueue({ queues: { "sms.send": { concurrency: 10, rateLimit: { limit: 1, windowMs: 1_000, per: "organization" } } }, clock });
    const started: RunJob[] = [];
    const execute = async (received: RunJob) => void started.push(received);
    for (let index = 0; index < 5_000; index += 1) await queue.add(job("sms.send", "campaign"), execute);
    await queue.add(job("sms.send", "quiet"), execute);
    expect(started.map((each) => each.organizationId)).toEqual(["campaign", "quiet"]);
    await clock.advance(1_000);
    expect(started.map((each) => each.organizationId)).toEqual(["campaign", "quiet", "campaign"]);
    expect(queue.pending("sms.send")).toBe(4_998);
  });

  it("lets organizations take turns at the slots of a queue paced per organization", async () => {
    const queue = createInProcessRunQueue({ queues: { "email.send": { concurrency: 1, rateLimit: { limit: 10, windowMs: 1_000, per: "organization" } } } });
    const executor = gatedExecutor();
    for (let index = 0; index < 4; index += 1) await queue.add(job("email.send", "campaign"), executor.execute);
    await queue.add(job("email.send", "quiet"), executor.execute);
    for (let index = 0; index < 4; index += 1) await executor.releaseAll();
    // The first started at once; then each organization waiting gets a slot in turn.
    expect(executor.started.map((each) => each.organizationId)).toEqual(["campaign", "campaign", "quiet", "campaign", "campaign"]);
  });

  it("starts a held job when its own window ends, even when another organization's window ends later", async () => {
    const clock = createManualClock();
    const queue = createInProcessRunQueue({ queues: { "sms.send": { concurrency: 10, rateLimit: { limit: 1, windowMs: 1_000, per: "organization" } } }, clock });
    const started: RunJob[] = [];
    const execute = async (received: RunJob) => void started.push(received);
    await queue.add(job("sms.send", "early"), execute);
    await clock.advance(900);
    await queue.add(job("sms.send", "late"), execute);
    // Held until 1,900 ms.
    await queue.add(job("sms.send", "late"), execute);
    // Held until 1,000 ms: its window began first.
    await queue.add(job("sms.send", "early"), execute);
    expect(started.map((each) => each.organizationId)).toEqual(["early", "late"]);
    await clock.advance(100);
    expect(started.map((each) => each.organizationId)).toEqual(["early", "late", "early"]);
    await clock.advance(900);
    expect(started.map((each) => each.organizationId)).toEqual(["early", "late", "early", "late"]);
    expect(queue.pending()).toBe(0);
  });

  it("paces a whole queue when the limit is per queue", async () => {
    const clock = createManualClock();
    const queue = createInProcessRunQueue({ queues: { "social.publish": { rateLimit: { limit: 2, windowMs: 60_000 } } }, clock });
    const started: RunJob[] = [];
    const execute = async (received: RunJob) => void started.push(received);
    for (const organizationId of ["a", "b", "c"]) await queue.add(job("social.publish", organizationId), execute);
    expect(started.map((each) => each.organizationId)).toEqual(["a", "b"]);
    await clock.advance(60_000);
    expect(started.map((each) => each.organizationId)).toEqual(["a", "b", "c"]);
  });

  it("gives free slots of a shared cap to the queue with the highest priority", async () => {
    const queue = createInProcessRunQueue({ maxConcurrency: 1, queues: { "learning.tune": { priority: 9 }, "email.send": { priority: 1 } } });
    const executor = gatedExecutor();
    await queue.add(job("learning.tune"), executor.execute);
    await queue.add(job("learning.tune"), executor.execute);
    await queue.add(job("email.send"), executor.execute);
    expect(executor.started.map((each) => each.queue)).toEqual(["learning.tune"]);
    await executor.releaseAll();
    expect(executor.started.map((each) => each.queue)).toEqual(["learning.tune", "email.send"]);
    await executor.releaseAll();
    expect(executor.started.map((each) => each.queue)).toEqual(["learning.tune", "email.send", "learning.tune"]);
  });

  it("refuses jobs beyond maxPending across queues with RATE_LIMITED", async () => {
    const queue = createInProcessRunQueue({ concurrency: 1, maxPending: 2 });
    const executor = gatedExecutor();
    await queue.add(job("a"), executor.execute);
    await queue.add(job("a"), executor.execute);
    await queue.add(job("b"), executor.execute);
    await queue.add(job("b"), executor.execute);
    await expect(queue.add(job("c"), executor.execute)).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });

  it("drops waiting jobs and their timers on close, and waits for running ones", async () => {
    const clock = createManualClock();
    const queue = createInProcessRunQueue({ queues: { paced: { rateLimit: { limit: 1, windowMs: 1_000 } } }, clock });
    const executor = gatedExecutor();
    await queue.add(job("paced"), executor.execute);
    await queue.add(job("paced"), executor.execute);
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    await executor.releaseAll();
    await closing;
    await clock.advance(5_000);
    expect(executor.started).toHaveLength(1);
    expect(queue.pending()).toBe(0);
    await expect(queue.add(job("paced"), executor.execute)).rejects.toMatchObject({ code: "CONFIGURATION_INVALID" });
  });

  it("refuses bad settings and names with a configuration error", () => {
    expect(() => createInProcessRunQueue({ queues: { "sms.send": { concurrency: 0 } } })).toThrow(/sms.send.*concurrency/);
    expect(() => createInProcessRunQueue({ queues: { "sms.send": { rateLimit: { limit: 1, windowMs: 0 } } } })).toThrow(/windowMs/);
    expect(() => createInProcessRunQueue({ queues: { "sms.send": { priority: 0 } } })).toThrow(/priority/);
    expect(() => createInProcessRunQueue({ queues: { "SMS:send": {} } })).toThrow(/queue name/);
    expect(() => createInProcessRunQueue({ maxConcurrency: 0 })).toThrow(/maxConcurrency/);
  });
});
