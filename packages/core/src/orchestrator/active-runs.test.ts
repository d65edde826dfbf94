import { describe, expect, it } from "vitest";
import { ActiveRuns } from "./active-runs.js";
import { RunCancellation } from "./run-cancellation.js";

/** A run's execution that the test settles. */
function execution() {
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<unknown>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

const idsOf = (runs: ActiveRuns) => runs.values().map((run) => run.runId).sort();

describe("ActiveRuns", () => {
  it("finds every run by id until its execution settles, whichever order they end in", async () => {
    const runs = new ActiveRuns();
    const executions = ["a", "b", "c", "d"].map((runId) => {
      const running = execution();
      runs.add(runId, `org_${runId}`, 1, new RunCancellation(), running.promise);
      return running;
    });
    expect(idsOf(runs)).toEqual(["a", "b", "c", "d"]);

    // A run from the middle leaves: the last one takes its place and must still be found.
    executions[1]?.resolve("done");
    await runs.get("b")?.done;
    expect(runs.get("b")).toBeUndefined();
    expect(runs.get("d")?.organizationId).toBe("org_d");
    expect(idsOf(runs)).toEqual(["a", "c", "d"]);

    executions[3]?.reject(new Error("failed"));
    await runs.get("d")?.done;
    executions[0]?.resolve("done");
    await runs.get("a")?.done;
    expect(idsOf(runs)).toEqual(["c"]);
    expect(runs.size).toBe(1);

    executions[2]?.resolve("done");
    await runs.get("c")?.done;
    expect(runs.size).toBe(0);
    expect(runs.get("c")).toBeUndefined();
  });

  it("settles `done` without rejecting when the execution fails, and keeps the controller", async () => {
    const runs = new ActiveRuns();
    const controller = new RunCancellation();
    const running = execution();
    runs.add("a", "org_a", 1, controller, running.promise);
    const active = runs.get("a");
    expect(active?.controller).toBe(controller);

    running.reject(new Error("failed"));
    await expect(active?.done).resolves.toBeUndefined();
    expect(runs.size).toBe(0);
  });

  it("hands out a copy that stays whole while runs end", async () => {
    const runs = new ActiveRuns();
    const executions = ["a", "b"].map((runId) => {
      const running = execution();
      runs.add(runId, "org", 1, new RunCancellation(), running.promise);
      return running;
    });
    const snapshot = runs.values();
    for (const running of executions) running.resolve("done");
    await Promise.all(snapshot.map((run) => run.done));
    expect(snapshot.map((run) => run.runId)).toEqual(["a", "b"]);
    expect(runs.size).toBe(0);
  });

  it("finds a run's newest execution when an older one is still stopping", async () => {
    const runs = new ActiveRuns();
    const older = execution();
    const newer = execution();
    const newest = new RunCancellation();
    runs.add("a", "org_a", 1, new RunCancellation(), older.promise);
    runs.add("a", "org_a", 2, newest, newer.promise);
    expect(runs.get("a")?.controller).toBe(newest);
    older.resolve("stopped");
    await Promise.resolve();
    expect(runs.get("a")?.fence).toBe(2);
  });
});

