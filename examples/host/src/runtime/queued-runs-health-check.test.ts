import { createMemoryRunStore } from "@neonhub/core";
import { createManualClock, sampleRunInput } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { queuedRunsHealthCheck } from "./queued-runs-health-check.js";

describe("queued runs health check", () => {
  it("passes while runs wait less than the alert age, and fails with their count and the oldest once they wait longer", async () => {
    const clock = createManualClock(Date.UTC(2026, 5, 1, 12));
    const store = createMemoryRunStore();
    const check = queuedRunsHealthCheck(store, 60_000, clock);
    const queuedAt = new Date(clock.now());
    for (let index = 0; index < 2; index += 1) await store.createRun(sampleRunInput({ status: "QUEUED", startedAt: null, createdAt: queuedAt }));
    await store.createRun(sampleRunInput({ status: "RUNNING", createdAt: new Date(clock.now() - 3_600_000) }));
    await expect(check()).resolves.toBeUndefined();
    await clock.advance(60_001);
    await expect(check()).rejects.toThrow(`2 runs queued for more than 60 s, the oldest since ${queuedAt.toISOString()}`);
  });
});
