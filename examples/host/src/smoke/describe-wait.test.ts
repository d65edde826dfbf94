import { describe, expect, it } from "vitest";
import { describeWait } from "./describe-wait.js";

const wakeAt = "2026-12-07T15:10:12.770Z";

describe("describeWait", () => {
  it("names the signal or sleep the journal holds open", () => {
    const steps = [{ kind: "SIGNAL", key: "approval", status: "STARTED", wakeAt }];
    expect(describeWait({ wakeAt, steps })).toBe(`for signal "approval" until ${wakeAt}`);
  });

  it("names the children a parent has not heard from, by agent", () => {
    const run = {
      wakeAt,
      steps: [{ kind: "STEP", key: "agent:intake-fetch#0", status: "SUCCEEDED" }],
      children: [
        { agentName: "intake-fetch", status: "COMPLETED" },
        { agentName: "intake-normalize", status: "QUEUED" },
        { agentName: "intake-normalize", status: "RUNNING" },
        { agentName: "intake-embed", status: "WAITING" },
      ],
    };
    expect(describeWait(run)).toBe(`for 2 child runs of "intake-normalize" and 1 child run of "intake-embed" until ${wakeAt}`);
  });

  it("falls back to the wake-up time when every child has ended", () => {
    expect(describeWait({ wakeAt, steps: [], children: [{ agentName: "intake-fetch", status: "FAILED" }] })).toBe(`until ${wakeAt}`);
    expect(describeWait({ steps: [] })).toBe("with no wake-up time");
  });
});
