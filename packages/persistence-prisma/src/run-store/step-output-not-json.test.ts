import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { embeddedDatabaseAroundSuite } from "../test-support/embedded-database-around-suite.js";

const circular = (): unknown => {
  const node: Record<string, unknown> = {};
  node.self = node;
  return node;
};

// The orchestrator refuses such outputs before they reach a store; a store used on its own refuses them itself, as
// a value the database refuses: never retryable, so that no caller takes it for a lost write and tries again.
describe("a value JSON cannot hold, written to the Prisma run store", () => {
  const database = embeddedDatabaseAroundSuite();
  const now = new Date();
  const openRun = async () => {
    const id = randomUUID();
    await database().runStore.createRun({ id, agentName: "a", agentVersion: "1", organizationId: "org-json", userId: "u", intent: null, input: {}, idempotencyKey: null, requestHash: null,
      status: "RUNNING", createdAt: now, startedAt: now, traceId: null, parentRunId: null, lease: { owner: "me", expiresAt: new Date(now.getTime() + 60_000) } });
    return id;
  };

  it.each([
    ["a bigint", () => ({ total: 10n })],
    ["a cycle", circular],
  ])("is refused with VALIDATION_FAILED, and nothing is written (%s)", async (_label, output) => {
    const { runStore } = database();
    const runId = await openRun();
    const step = { position: 0, key: "count", kind: "STEP" as const, status: "SUCCEEDED" as const, output: output(), error: null, attempts: 1, startedAt: now, completedAt: now, wakeAt: null };
    await expect(runStore.recordStep({ organizationId: "org-json", runId, fence: 1, step })).rejects.toMatchObject({ code: "VALIDATION_FAILED", isRetryable: false });
    const finish = { organizationId: "org-json", runId, status: "COMPLETED" as const, statusReason: "completed" as const, output: output(), error: null, attempts: 1, completedAt: new Date(), durationMs: 5, metrics: [], fence: 1 };
    await expect(runStore.finishRun(finish)).rejects.toMatchObject({ code: "VALIDATION_FAILED", isRetryable: false });
    expect(await runStore.listSteps("org-json", runId)).toEqual([]);
    expect(await runStore.getRun("org-json", runId)).toMatchObject({ status: "RUNNING", output: null });
  });
});
