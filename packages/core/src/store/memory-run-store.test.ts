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

  it("rejects a maxRuns that is not a positive integer", () => {
    expect(() => createMemoryRunStore({ maxRuns: 0 })).toThrow(/maxRuns/);
  });
});
