import type pg from "pg";
import { sampleRunInput } from "@neonhub/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NeonhubDatabase } from "../index.js";
import { openLockingScratch, waitForLockWaits, type LockingScratch } from "../tooling/lock-waits.js";
import { TEST_DATABASE_URL } from "../tooling/scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the lock order tests of the run writes on PostgreSQL.");

/**
 * Writes that lock several runs lock them in the order of their ids (see runs-by-key.ts). Each test holds two runs
 * in a transaction of its own, so that two writes naming runs in opposite orders both start and overlap: locked in
 * the order of their requests, each would hold a run the other waits for.
 */
describe.skipIf(!TEST_DATABASE_URL)("lock order of batched journal writes, finishes and lease renewals on PostgreSQL", () => {
  let fixture: LockingScratch;
  let database: NeonhubDatabase;
  let blocker: pg.Client;
  beforeAll(async () => {
    fixture = await openLockingScratch(TEST_DATABASE_URL!);
    ({ database, blocker } = fixture);
  });
  afterAll(() => fixture?.close());

  const now = new Date();
  const create = async () => {
    const { run } = await database.runStore.createRun(sampleRunInput({ organizationId: "org", createdAt: now, startedAt: now, lease: { owner: "me", expiresAt: new Date(now.getTime() + 60_000) } }));
    return run.id;
  };
  const stepOf = (runId: string) => database.runStore.recordStep({ organizationId: "org", runId, fence: 1,
    step: { position: 0, key: "s", kind: "STEP", status: "SUCCEEDED", output: 1, error: null, attempts: 1, startedAt: now, completedAt: now, wakeAt: null } });
  const finishOf = (runId: string) => database.runStore.finishRun({ organizationId: "org", runId, status: "COMPLETED", statusReason: "completed", output: 1, error: null,
    attempts: 1, completedAt: new Date(), durationMs: 5, metrics: [], fence: 1 });
  const outcome = (result: PromiseSettledResult<unknown>) => (result.status === "fulfilled" ? "ok" : (result.reason as Error).message);

  /** Deadlocks PostgreSQL has detected in the scratch database so far (it resolves each by failing one transaction). */
  const deadlocks = async () => {
    await blocker.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await blocker.query<{ deadlocks: number }>(`SELECT "deadlocks"::int AS "deadlocks" FROM pg_stat_database WHERE "datname" = current_database()`);
    return rows[0]!.deadlocks;
  };

  /** Something holds two runs for a moment (a finish, a claim, a signal), so that the writes started meanwhile overlap. */
  const holdRuns = async (runIds: string[]) => {
    await blocker.query("BEGIN");
    await blocker.query(`SELECT 1 FROM "AgentRun" WHERE "id" = ANY($1) FOR UPDATE`, [runIds]);
  };

  it("does not deadlock a step batch against the same executor's lease renewal", async () => {
    const [a, b, x, y] = [await create(), await create(), await create(), await create()];
    const deadlocksBefore = await deadlocks();
    await holdRuns([x, y]);

    // Steps of three runs arrive in one tick: one batch, naming the runs in the order a, x, b.
    const steps = Promise.allSettled([stepOf(a), stepOf(x), stepOf(b)]);
    await waitForLockWaits(blocker, 1);
    // The lease keeper renews its runs in its own order: b, y, a.
    const renewal = database.runStore.renewLeases({ owner: "me", runs: [b, y, a].map((runId) => ({ runId, fence: 1 })), expiresAt: new Date(Date.now() + 60_000) }).then(
      (held) => ({ held }),
      (error: unknown) => ({ error: (error as Error).message }),
    );
    await waitForLockWaits(blocker, 2);
    await blocker.query("COMMIT");

    const [stepResults, renewed] = await Promise.all([steps, renewal]);
    expect({ steps: stepResults.map(outcome), renewed }).toEqual({
      steps: ["ok", "ok", "ok"],
      renewed: { held: expect.arrayContaining([a, b, y]) },
    });
    expect(await deadlocks()).toBe(deadlocksBefore);
  });

  it("does not deadlock a finish batch against a step batch", async () => {
    const [a, b, c, x, y] = [await create(), await create(), await create(), await create(), await create()];
    const deadlocksBefore = await deadlocks();
    await holdRuns([x, y]);

    // Finishes of three runs arrive in one tick (one batch: a, x, c), then steps naming runs in another order (c, y, a).
    const finishes = Promise.allSettled([finishOf(a), finishOf(x), finishOf(c)]);
    await waitForLockWaits(blocker, 1);
    const steps = Promise.allSettled([stepOf(c), stepOf(y), stepOf(a), stepOf(b)]);
    await waitForLockWaits(blocker, 2);
    await blocker.query("COMMIT");

    const [finishResults, stepResults] = await Promise.all([finishes, steps]);
    const codes = (results: PromiseSettledResult<unknown>[]) => results.map((result) => (result.status === "fulfilled" ? "ok" : (result.reason as { code: string }).code));
    expect(codes(finishResults)).toEqual(["ok", "ok", "ok"]);
    // A step of a finished run is refused once the finish has committed, and written when it came first.
    const [stepOfC, stepOfY, stepOfA, stepOfB] = codes(stepResults);
    expect({ stepOfY, stepOfB }).toEqual({ stepOfY: "ok", stepOfB: "ok" });
    expect([stepOfC, stepOfA].every((code) => code === "ok" || code === "LEASE_LOST"), `${stepOfC}, ${stepOfA}`).toBe(true);
    // A batch that lost a deadlock is written again item by item, so the results alone could hide one.
    expect(await deadlocks()).toBe(deadlocksBefore);
  });
});
