import type pg from "pg";
import { sampleRunInput } from "@neonhub/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NeonhubDatabase } from "../index.js";
import { openLockingScratch, waitForLockWaits, type LockingScratch } from "../tooling/lock-waits.js";
import { TEST_DATABASE_URL } from "../tooling/scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the tests of a signal racing its wait's timeout on PostgreSQL.");

/**
 * A signal and the timeout of its wait, both started while something else holds the run: each statement's snapshot
 * is then older than the other write's commit, so a check made in the statement that waited for the lock would
 * miss it and keep both.
 */
describe.skipIf(!TEST_DATABASE_URL)("a signal racing its wait's timeout on PostgreSQL", () => {
  let fixture: LockingScratch;
  let database: NeonhubDatabase;
  let blocker: pg.Client;
  beforeAll(async () => {
    fixture = await openLockingScratch(TEST_DATABASE_URL!);
    ({ database, blocker } = fixture);
  });
  afterAll(() => fixture?.close());

  const now = new Date();
  const organizationId = "org";
  const create = async () => {
    const { run } = await database.runStore.createRun(sampleRunInput({ organizationId, createdAt: now, startedAt: now, lease: { owner: "me", expiresAt: new Date(now.getTime() + 60_000) } }));
    return run.id;
  };
  const signal = (runId: string) => database.runStore.sendSignal({ organizationId, runId, name: "approval", payload: { approved: true }, sentBy: "u", sentAt: new Date() });
  const timeout = (runId: string) => database.runStore.recordStep({ organizationId, runId, fence: 1, timedOutSignal: "approval",
    step: { position: 0, key: "approval", kind: "SIGNAL", status: "SUCCEEDED", output: { received: false, timedOut: true }, error: null, attempts: 1, startedAt: now, completedAt: new Date(), wakeAt: now } });
  const outcome = (write: Promise<unknown>) => write.then(() => "kept", (error: unknown) => (error as { details?: { reason?: string } }).details?.reason ?? String(error));

  /** Holds the run, starts `first` and then `second` so that both wait for it, and lets them go in that order. */
  const race = async (runId: string, first: () => Promise<unknown>, second: () => Promise<unknown>) => {
    await blocker.query("BEGIN");
    await blocker.query(`SELECT 1 FROM "AgentRun" WHERE "id" = $1 FOR UPDATE`, [runId]);
    const firstOutcome = outcome(first());
    await waitForLockWaits(blocker, 1);
    const secondOutcome = outcome(second());
    await waitForLockWaits(blocker, 2);
    await blocker.query("COMMIT");
    return { first: await firstOutcome, second: await secondOutcome };
  };

  it("refuses the timeout when the signal took the run first", async () => {
    const runId = await create();
    expect(await race(runId, () => signal(runId), () => timeout(runId))).toEqual({ first: "kept", second: "signal_sent" });
    expect(await database.runStore.listSteps(organizationId, runId)).toEqual([]);
    expect(await database.runStore.getSignal(organizationId, runId, "approval")).toMatchObject({ payload: { approved: true } });
  });

  it("refuses the signal when the timeout took the run first", async () => {
    const runId = await create();
    expect(await race(runId, () => timeout(runId), () => signal(runId))).toEqual({ first: "kept", second: "wait_ended" });
    expect((await database.runStore.listSteps(organizationId, runId)).map((step) => step.status)).toEqual(["SUCCEEDED"]);
    expect(await database.runStore.getSignal(organizationId, runId, "approval")).toBeNull();
  });
});
