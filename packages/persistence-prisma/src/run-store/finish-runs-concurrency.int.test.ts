import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { NeonhubDatabase } from "../index.js";
import { waitForLockWaits } from "../tooling/lock-waits.js";
import { TEST_DATABASE_URL, type ScratchDatabase } from "../tooling/scratch-database.js";
import { scratchDatabaseAroundSuite } from "../test-support/scratch-database-around-suite.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the tests of finishes racing journal writes on PostgreSQL.");

describe.skipIf(!TEST_DATABASE_URL)("a finish racing a journal write on PostgreSQL", () => {
  let scratch!: ScratchDatabase;
  let database!: NeonhubDatabase;
  scratchDatabaseAroundSuite((opened) => ({ scratch, database } = opened));

  it("leaves no tool execution RUNNING once the run is final", async () => {
    const store = database.runStore;
    const runId = randomUUID();
    const now = new Date();
    await store.createRun({
      id: runId, agentName: "a", agentVersion: "1", organizationId: "org", userId: "u", intent: null, input: {},
      idempotencyKey: null, requestHash: null, status: "RUNNING", createdAt: now, startedAt: now, traceId: null, parentRunId: null,
      lease: { owner: "worker-1", expiresAt: new Date(now.getTime() + 60_000) },
    });

    // Any other transaction holding the run's row for a moment (a lease renewal, another finish, ...).
    const blocker = new pg.Client({ connectionString: scratch.url });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query(`SELECT 1 FROM "AgentRun" WHERE "id" = $1 FOR UPDATE`, [runId]);

      // The executor journals an unsafe tool call as STARTED, with its tool execution RUNNING...
      const step = store.recordStep({
        organizationId: "org", runId, fence: 1,
        step: { position: 0, key: "slack.postMessage#0", kind: "TOOL", status: "STARTED", output: null, error: null, attempts: 1, startedAt: now, completedAt: null, wakeAt: null },
        toolExecution: { id: randomUUID(), stepKey: "slack.postMessage#0", connector: "slack", action: "postMessage", status: "RUNNING", input: {}, output: null, error: null, attempt: 1, startedAt: now, completedAt: null, durationMs: null },
      });
      await waitForLockWaits(blocker, 1);
      // ...while an operator cancels the run (a finish without a fence), queued behind the step for the run's row.
      const cancel = store.finishRun({
        organizationId: "org", runId, status: "CANCELLED", statusReason: "cancelled", output: null, error: null, attempts: 1,
        completedAt: new Date(), durationMs: 5, metrics: [],
      });
      await waitForLockWaits(blocker, 2);
      await blocker.query("COMMIT");
      await step;
      const finished = await cancel;

      expect(finished.status).toBe("CANCELLED");
      const tools = await store.listToolExecutions("org", runId);
      // The port: finishRun "marks its tool executions still RUNNING as FAILED (interrupted)".
      expect(tools.map((tool) => tool.status)).toEqual(["FAILED"]);
    } finally {
      await blocker.end();
    }
  });
});
