import { describe, expect, it } from "vitest";
import type { RunStore } from "../ports/run-store.js";
import { runRunStoreConformanceSuite, sampleRunInput } from "../testing/index.js";
import { createMemoryRunStore } from "./memory-run-store.js";

runRunStoreConformanceSuite({ name: "memory", createStore: async () => createMemoryRunStore() });

/** Creates and finishes `count` runs, one millisecond apart; returns their ids, oldest first. */
async function finishedRuns(store: RunStore, organizationId: string, count: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let index = from; index < from + count; index += 1) {
    const input = sampleRunInput({ organizationId, createdAt: new Date(Date.UTC(2026, 0, 1) + index), startedAt: new Date(Date.UTC(2026, 0, 1) + index) });
    await store.createRun(input);
    await store.finishRun({ organizationId, runId: input.id, status: "COMPLETED", statusReason: "completed", output: null, error: null, attempts: 1, completedAt: new Date(), durationMs: 1, metrics: [] });
    ids.push(input.id);
  }
  return ids;
}

const keptIds = async (store: RunStore, organizationId: string) => (await store.listRuns({ organizationId, limit: 500 })).runs.map((run) => run.id).reverse();

describe("memory run store retention", () => {
  it("fills up to maxRuns, then drops its older half at once and keeps the newest runs", async () => {
    const store = createMemoryRunStore({ maxRuns: 10 });
    const organizationId = "org-halves";
    const first = await finishedRuns(store, organizationId, 10);
    expect(await keptIds(store, organizationId)).toEqual(first);
    const next = await finishedRuns(store, organizationId, 1, 10);
    expect(await keptIds(store, organizationId)).toEqual([...first.slice(5), ...next]);
    const later = await finishedRuns(store, organizationId, 9, 11);
    expect(await keptIds(store, organizationId)).toEqual([...first.slice(5), ...next, ...later].slice(-10));
    expect(await store.getRun(organizationId, first[4] as string)).toBeNull();
  });

  it("keeps an open run and its tool executions however many runs come after it", async () => {
    const store = createMemoryRunStore({ maxRuns: 2 });
    const organizationId = "org-open";
    const open = sampleRunInput({ organizationId });
    await store.createRun(open);
    const startedAt = new Date();
    const step = { position: 0, key: "slack.post#0", kind: "TOOL" as const, output: null, error: null, attempts: 1, startedAt, wakeAt: null };
    const tool = { id: "tool-1", stepKey: "slack.post#0", connector: "slack", action: "post", input: {}, output: null, error: null, attempt: 1, startedAt };
    await store.recordStep({ organizationId, runId: open.id, fence: 1, step: { ...step, status: "STARTED", completedAt: null }, toolExecution: { ...tool, status: "RUNNING", completedAt: null, durationMs: null } });
    const finished = await finishedRuns(store, organizationId, 7);
    expect((await store.getRun(organizationId, open.id))?.status).toBe("RUNNING");
    await store.recordStep({
      organizationId,
      runId: open.id,
      fence: 1,
      step: { ...step, status: "SUCCEEDED", output: { ok: true }, completedAt: new Date() },
      toolExecution: { ...tool, status: "SUCCEEDED", output: { ok: true }, completedAt: new Date(), durationMs: 3 },
    });
    expect((await store.listToolExecutions(organizationId, open.id)).map((execution) => execution.status)).toEqual(["SUCCEEDED"]);
    expect((await store.listSteps(organizationId, open.id)).map((entry) => [entry.key, entry.status, entry.output])).toEqual([["slack.post#0", "SUCCEEDED", { ok: true }]]);
    expect(await store.getRun(organizationId, finished[0] as string)).toBeNull();
  });

  it("stays bounded when its runs are never finished", async () => {
    const store = createMemoryRunStore({ maxRuns: 4 });
    const organizationId = "org-never-finished";
    const ids: string[] = [];
    for (let index = 0; index < 20; index += 1) {
      const input = sampleRunInput({ organizationId });
      await store.createRun(input);
      ids.push(input.id);
    }
    const kept = (await store.listRuns({ organizationId, limit: 500 })).runs;
    expect(kept.length).toBeLessThanOrEqual(4);
    expect(kept.map((run) => run.id)).toContain(ids[19]);
  });

  it("keeps 1,000 runs by default, then drops the older 500", async () => {
    const store = createMemoryRunStore();
    const organizationId = "org-default";
    const first = await finishedRuns(store, organizationId, 1_000);
    expect(await store.getRun(organizationId, first[0] as string)).not.toBeNull();
    await finishedRuns(store, organizationId, 1, 1_000);
    expect(await store.getRun(organizationId, first[499] as string)).toBeNull();
    expect(await store.getRun(organizationId, first[500] as string)).not.toBeNull();
  });

  it("with maxRuns 1 keeps only the newest run", async () => {
    const store = createMemoryRunStore({ maxRuns: 1 });
    const ids = await finishedRuns(store, "org-one", 3);
    expect(await keptIds(store, "org-one")).toEqual(ids.slice(-1));
  });

  it("keeps an ended child while its parent is open, and drops it with the next half once the parent ended", async () => {
    const store = createMemoryRunStore({ maxRuns: 4 });
    const organizationId = "org-children";
    const parent = sampleRunInput({ organizationId });
    await store.createRun(parent);
    const [unrelated] = await finishedRuns(store, organizationId, 1);
    const orphan = sampleRunInput({ organizationId, parentRunId: "ended-long-ago" });
    await store.createRun(orphan);
    const finish = { organizationId, status: "COMPLETED" as const, statusReason: "completed", output: null, error: null, attempts: 1, completedAt: new Date(), durationMs: 1, metrics: [] };
    await store.finishRun({ ...finish, runId: orphan.id });
    const kid = sampleRunInput({ organizationId, parentRunId: parent.id });
    await store.createRun(kid);
    await store.finishRun({ ...finish, runId: kid.id });
    await finishedRuns(store, organizationId, 4, 10);
    expect(await store.getRun(organizationId, kid.id)).toMatchObject({ status: "COMPLETED", parentRunId: parent.id });
    expect(await store.getRun(organizationId, unrelated as string)).toBeNull();
    expect(await store.getRun(organizationId, orphan.id)).toBeNull();
    expect((await store.listRuns({ organizationId, limit: 10 })).runs.length).toBeLessThanOrEqual(4);

    await store.finishRun({ ...finish, runId: parent.id });
    await finishedRuns(store, organizationId, 4, 20);
    expect(await store.getRun(organizationId, kid.id)).toBeNull();
  });

  it("keeps at most maxRuns, dropping the oldest finished run first", async () => {
    const store = createMemoryRunStore({ maxRuns: 3 });
    const organizationId = "org-retention";
    const open = sampleRunInput({ organizationId });
    await store.createRun(open);
    const finished = sampleRunInput({ organizationId, idempotencyKey: "k" });
    await store.createRun(finished);
    await store.finishRun({ organizationId, runId: finished.id, status: "COMPLETED", statusReason: "completed", output: null, error: null, attempts: 1, completedAt: new Date(), durationMs: 1, metrics: [] });
    await store.createRun(sampleRunInput({ organizationId }));
    await store.createRun(sampleRunInput({ organizationId }));
    expect((await store.listRuns({ organizationId, limit: 10 })).runs).toHaveLength(3);
    expect(await store.getRun(organizationId, finished.id)).toBeNull();
    expect(await store.findRunByIdempotencyKey(organizationId, "k")).toBeNull();
    expect((await store.getRun(organizationId, open.id))?.status).toBe("RUNNING");
  });

  it("hands out copies whose dates and metrics are their own", async () => {
    const store = createMemoryRunStore();
    const organizationId = "org-copies";
    const input = sampleRunInput({ organizationId });
    const created = await store.createRun(input);
    const createdAt = input.createdAt.getTime();
    const finished = await store.finishRun({
      organizationId,
      runId: input.id,
      status: "COMPLETED",
      statusReason: "completed",
      output: { ok: true },
      error: null,
      attempts: 1,
      completedAt: new Date(createdAt + 25),
      durationMs: 25,
      metrics: [{ name: "tokens", value: 12.5, unit: "tokens" }],
    });
    created.run.createdAt.setTime(0);
    finished.createdAt.setTime(0);
    finished.completedAt?.setTime(0);
    input.createdAt.setTime(0);
    (await store.listRunMetrics(organizationId, input.id))[0]!.value = 0;

    const stored = await store.getRun(organizationId, input.id);
    expect(stored?.createdAt.getTime()).toBe(createdAt);
    expect(stored?.completedAt?.getTime()).toBe(createdAt + 25);
    expect(await store.listRunMetrics(organizationId, input.id)).toEqual([{ name: "tokens", value: 12.5, unit: "tokens" }]);
  });

  it("rejects a maxRuns that is not a positive integer", () => {
    expect(() => createMemoryRunStore({ maxRuns: 0 })).toThrow(/maxRuns/);
  });
});
