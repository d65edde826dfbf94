import { describe, expect, it } from "vitest";
import { createManualClock } from "../testing/manual-clock.js";
import { createRecordingLogger, type RecordedLogLine } from "../testing/recording-logger.js";
import { createRecordingMetricsSink } from "../testing/recording-metrics-sink.js";
import { sampleRunInput } from "../testing/run-store-conformance-suite.js";
import { createMemoryRunStore } from "./memory-run-store.js";
import { createRunRetention } from "./run-retention.js";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Lets the promise chains of a pass settle (one macrotask turn, no time passes). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A memory store holding `count` runs ended on each of the given days (days before the clock's start). */
async function storeWithHistory(clockStart: number, days: number[], count: number) {
  const store = createMemoryRunStore({ maxRuns: 10_000 });
  const organizationId = "org-retention";
  for (const daysAgo of days) {
    for (let index = 0; index < count; index += 1) {
      const createdAt = new Date(clockStart - daysAgo * DAY_MS + index);
      const input = sampleRunInput({ organizationId, createdAt, startedAt: createdAt });
      await store.createRun(input);
      await store.finishRun({ organizationId, runId: input.id, status: "COMPLETED", statusReason: "completed", output: null, error: null, attempts: 1, completedAt: createdAt, durationMs: 0, metrics: [] });
    }
  }
  const remaining = async () => (await store.listRuns({ organizationId, limit: 100 })).runs.length;
  return { store, remaining };
}

describe("createRunRetention", () => {
  it("deletes the runs past the retention in batches, and keeps the others", async () => {
    const clock = createManualClock();
    const { store, remaining } = await storeWithHistory(clock.now(), [40, 31, 29, 1], 5);
    const lines: RecordedLogLine[] = [];
    const retention = createRunRetention({ store, retentionMs: 30 * DAY_MS, batchSize: 3, clock, logger: createRecordingLogger(lines) });
    expect(await retention.prune()).toBe(10);
    expect(await remaining()).toBe(10);
    expect(await retention.prune()).toBe(0);
    expect(lines).toEqual([expect.objectContaining({ level: "info", fields: expect.objectContaining({ deleted: 10 }) })]);
  });

  it("stops a pass after its most batches; the next pass goes on", async () => {
    const clock = createManualClock();
    const { store, remaining } = await storeWithHistory(clock.now(), [40], 10);
    const retention = createRunRetention({ store, retentionMs: 30 * DAY_MS, batchSize: 2, maxBatchesPerPass: 3, clock });
    expect(await retention.prune()).toBe(6);
    expect(await remaining()).toBe(4);
    expect(await retention.prune()).toBe(4);
  });

  it("by default goes on until it has caught up, however many batches that takes", async () => {
    const clock = createManualClock();
    const { store, remaining } = await storeWithHistory(clock.now(), [40], 50);
    const retention = createRunRetention({ store, retentionMs: 30 * DAY_MS, batchSize: 2, clock });
    expect(await retention.prune()).toBe(50);
    expect(await remaining()).toBe(0);
  });

  it("stopped during a pass over an endless backlog, ends it between two batches", async () => {
    const clock = createManualClock();
    let batches = 0;
    // Each batch takes a turn of the event loop, as a database round trip does.
    const store = { deleteEndedRuns: async ({ limit }: { limit: number }) => (await settle(), (batches += 1), limit) };
    const retention = createRunRetention({ store, retentionMs: DAY_MS, clock });
    retention.start();
    for (let turn = 0; turn < 5; turn += 1) await settle();
    const seen = batches;
    expect(seen).toBeGreaterThan(1);
    await retention.stop();
    expect(batches - seen).toBeLessThanOrEqual(1);
  });

  it("once started, prunes at once and then every interval, as runs age past the retention", async () => {
    const clock = createManualClock();
    const { store, remaining } = await storeWithHistory(clock.now(), [31, 29.5], 2);
    const retention = createRunRetention({ store, retentionMs: 30 * DAY_MS, intervalMs: HOUR_MS, clock });
    retention.start();
    await settle();
    expect(await remaining()).toBe(2);
    // The runs of 29.5 days ago pass 30 days after 12 hours; the pass after that deletes them.
    const hours = async (count: number) => {
      for (let hour = 0; hour < count; hour += 1) {
        await clock.advance(HOUR_MS);
        await settle();
      }
    };
    await hours(11);
    expect(await remaining()).toBe(2);
    await hours(2);
    expect(await remaining()).toBe(0);
    await retention.stop();
  });

  it("logs a failed pass and tries again at the next", async () => {
    const clock = createManualClock();
    let calls = 0;
    const store = {
      deleteEndedRuns: async () => {
        calls += 1;
        if (calls === 1) throw new Error("connection reset");
        return 0;
      },
    };
    const lines: RecordedLogLine[] = [];
    const retention = createRunRetention({ store, retentionMs: DAY_MS, intervalMs: HOUR_MS, clock, logger: createRecordingLogger(lines) });
    retention.start();
    await settle();
    expect(lines).toEqual([expect.objectContaining({ level: "warn", message: expect.stringContaining("retrying at the next pass") })]);
    await clock.advance(HOUR_MS);
    await settle();
    expect(calls).toBe(2);
    await retention.stop();
    await clock.advance(5 * HOUR_MS);
    expect(calls).toBe(2);
  });

  it("reports each pass with the runs it deleted, a failed one with those deleted before it failed", async () => {
    const clock = createManualClock();
    const { store } = await storeWithHistory(clock.now(), [40], 5);
    let calls = 0;
    const flakyStore = {
      deleteEndedRuns: async (query: Parameters<typeof store.deleteEndedRuns>[0]) => {
        calls += 1;
        if (calls === 2) throw new Error("connection reset");
        return store.deleteEndedRuns(query);
      },
    };
    const metrics = createRecordingMetricsSink();
    const retention = createRunRetention({ store: flakyStore, retentionMs: 30 * DAY_MS, batchSize: 3, clock, metrics });
    await expect(retention.prune()).rejects.toThrow("connection reset");
    expect(await retention.prune()).toBe(2);
    expect(await retention.prune()).toBe(0);
    expect(metrics.ofType("backgroundPassFinished")).toEqual([
      { task: "run_retention", outcome: "failed", items: 3 },
      { task: "run_retention", outcome: "succeeded", items: 2 },
      { task: "run_retention", outcome: "succeeded", items: 0 },
    ]);
  });

  it("started again while stopping, keeps a single pass per interval", async () => {
    const clock = createManualClock();
    let calls = 0;
    const store = { deleteEndedRuns: async () => (calls += 1, 0) };
    const retention = createRunRetention({ store, retentionMs: DAY_MS, intervalMs: HOUR_MS, clock });
    retention.start();
    void retention.stop();
    retention.start();
    await settle();
    expect(calls).toBe(1);
    await clock.advance(HOUR_MS);
    await settle();
    expect(calls).toBe(2);
    await retention.stop();
  });

  it("refuses settings that would delete what was meant to be kept", () => {
    const store = { deleteEndedRuns: async () => 0 };
    expect(() => createRunRetention({ store, retentionMs: 60_000 })).toThrow(/one hour or more/);
    expect(() => createRunRetention({ store, retentionMs: Number.NaN })).toThrow(/one hour or more/);
    expect(() => createRunRetention({ store, retentionMs: DAY_MS, batchSize: 5_000 })).toThrow(/batchSize/);
    expect(() => createRunRetention({ store, retentionMs: DAY_MS, maxBatchesPerPass: 0 })).toThrow(/maxBatchesPerPass/);
    expect(() => createRunRetention({ store: {} as never, retentionMs: DAY_MS })).toThrow(/run store/);
  });
});
