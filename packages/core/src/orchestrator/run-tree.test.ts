import { describe, expect, it } from "vitest";
import { MAX_RUN_TREE_NODES } from "../model/agent-run.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { sampleRunInput } from "../testing/run-store-conformance-suite.js";
import { readChildRunTree } from "./run-tree.js";

const organizationId = "org-1";

async function runWithChildren(count: number) {
  const store = createMemoryRunStore();
  const { run: root } = await store.createRun(sampleRunInput({ organizationId }));
  for (let index = 0; index < count; index += 1) {
    await store.createRun(sampleRunInput({ organizationId, parentRunId: root.id, createdAt: new Date(Date.UTC(2026, 0, 1) + index) }));
  }
  return { store, root };
}

describe("a run's tree of children", () => {
  it("says when the run's own children did not fit", async () => {
    const { store, root } = await runWithChildren(MAX_RUN_TREE_NODES + 1);
    const tree = await readChildRunTree(store, root);
    expect(tree.children).toHaveLength(MAX_RUN_TREE_NODES);
    expect(tree.truncated).toBe(true);
  });

  it("says nothing was left out when every child fits", async () => {
    const { store, root } = await runWithChildren(3);
    const tree = await readChildRunTree(store, root);
    expect(tree.children.map((child) => child.createdAt.getTime() - Date.UTC(2026, 0, 1))).toEqual([0, 1, 2]);
    expect(tree.truncated).toBe(false);
  });
});
