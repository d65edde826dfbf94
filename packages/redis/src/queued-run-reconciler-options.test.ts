import { ConfigurationError, createMemoryRunStore, MAX_QUEUED_RUNS_PAGE } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { createQueuedRunReconciler } from "./queued-run-reconciler.js";

const queue = { restore: async () => false };

describe("queued run reconciler options", () => {
  it("refuses a page larger than a store lists at once, which would fail every pass", () => {
    const store = createMemoryRunStore();
    expect(() => createQueuedRunReconciler({ store, queue, agents: [], pageSize: MAX_QUEUED_RUNS_PAGE + 1 })).toThrow(ConfigurationError);
    expect(() => createQueuedRunReconciler({ store, queue, agents: [], pageSize: MAX_QUEUED_RUNS_PAGE + 1 })).toThrow(/pageSize must be at most 1000/);
  });

  it("reconciles with the largest page a store lists", async () => {
    const reconciler = createQueuedRunReconciler({ store: createMemoryRunStore(), queue, agents: [], pageSize: MAX_QUEUED_RUNS_PAGE });
    await expect(reconciler.reconcile()).resolves.toEqual({ checked: 0, restored: [] });
  });
});
