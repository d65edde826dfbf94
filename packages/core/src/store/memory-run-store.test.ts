import { describe, expect, it } from "vitest";
import { runRunStoreConformanceSuite, sampleRunInput } from "../testing/index.js";
import { createMemoryRunStore } from "./memory-run-store.js";

runRunStoreConformanceSuite({ name: "memory", createStore: async () => createMemoryRunStore() });

describe("memory run store retention", () => {
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
