import type { AgentRun } from "@neonhub/core";
import { sampleRun } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { runSchema, toRunResource } from "./run-schemas.js";

const runAt = (created: number, completed: number | null): AgentRun =>
  sampleRun({
    status: completed === null ? "RUNNING" : "COMPLETED",
    statusReason: completed === null ? null : "completed",
    output: completed === null ? null : { text: "HI" },
    requestHash: "hash",
    createdAt: new Date(created),
    startedAt: new Date(created),
    completedAt: completed === null ? null : new Date(completed),
    durationMs: completed === null ? null : completed - created,
  });

describe("toRunResource", () => {
  it("formats every timestamp of runs in any order as that run's own ISO time", () => {
    const base = Date.UTC(2026, 10, 27, 10, 0, 0, 0);
    const times: Array<[number, number | null]> = [
      [base, base + 5],
      [base + 5, base + 9],
      [base, base],
      [base + 9, base + 5],
      [base + 1, null],
      [base + 5, base + 1_000],
      [base, base + 5],
    ];
    for (const [created, completed] of times) {
      const resource = toRunResource(runAt(created, completed));
      expect(resource.createdAt).toBe(new Date(created).toISOString());
      expect(resource.startedAt).toBe(new Date(created).toISOString());
      expect(resource.completedAt).toBe(completed === null ? null : new Date(completed).toISOString());
    }
  });

  it("leaves the request fingerprint out and matches the response schema", () => {
    const resource = toRunResource(runAt(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 0, 0, 1)));
    expect(resource).not.toHaveProperty("requestHash");
    expect(runSchema.safeParse(resource).success).toBe(true);
  });

  it("refuses an invalid date instead of answering with a remembered one", () => {
    toRunResource(runAt(Date.UTC(2026, 0, 1), null));
    expect(() => toRunResource(runAt(Number.NaN, null))).toThrow(RangeError);
  });
});
