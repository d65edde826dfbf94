import { describe, expect, it } from "vitest";
import type { JournalStep } from "../model/journal-step.js";
import { summarizeStep } from "./summarize-step.js";

const at = new Date("2026-06-01T12:00:00.000Z");
const step = (overrides: Partial<JournalStep>): JournalStep => ({
  runId: "run-1",
  position: 1,
  key: "agent:enrich#0/result",
  kind: "CHILD",
  status: "SUCCEEDED",
  output: null,
  error: null,
  attempts: 1,
  startedAt: at,
  completedAt: at,
  wakeAt: null,
  ...overrides,
});

describe("summarizeStep", () => {
  it("keeps of a CHILD step's ending the child's id only", () => {
    const ending = { childRunId: "child-1", agentName: "enrich", status: "COMPLETED", output: { secret: "s3cr3t" }, error: null };
    const summary = summarizeStep(step({ output: ending }));
    expect(summary).toEqual({ runId: "run-1", position: 1, key: "agent:enrich#0/result", kind: "CHILD", status: "SUCCEEDED", error: null, attempts: 1, startedAt: at, completedAt: at, wakeAt: null, childRunId: "child-1" });
    expect(JSON.stringify(summary)).not.toContain("s3cr3t");
  });

  it("names no child for other kinds, even when their output looks like an ending", () => {
    // The start of a child journals the child's id too, but so may any step of the handler's own.
    expect(summarizeStep(step({ key: "agent:enrich#0", kind: "STEP", output: "child-1" })).childRunId).toBeNull();
    expect(summarizeStep(step({ key: "lookup", kind: "STEP", output: { childRunId: "child-1" } })).childRunId).toBeNull();
  });

  it("names no child when a CHILD step holds no ending that names one", () => {
    expect(summarizeStep(step({ output: null })).childRunId).toBeNull();
    expect(summarizeStep(step({ output: { childRunId: 7 } })).childRunId).toBeNull();
  });
});
