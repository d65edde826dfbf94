import { describe, expect, it } from "vitest";
import { describeWait } from "./describe-wait.js";

const wakeAt = "2026-12-07T15:10:12.770Z";
const started = (key: string) => ({ kind: "STEP", key, status: "SUCCEEDED" });
const read = (key: string) => ({ kind: "CHILD", key: `${key}/result`, status: "SUCCEEDED" });
const readOf = (key: string, childRunId: string) => ({ ...read(key), childRunId });

describe("describeWait", () => {
  it("names the signal or sleep the journal holds open", () => {
    const steps = [{ kind: "SIGNAL", key: "approval", status: "STARTED", wakeAt }];
    expect(describeWait({ wakeAt, steps })).toBe(`for signal "approval" until ${wakeAt}`);
  });

  it("names every child whose end the run has not read, open or ended, by agent", () => {
    const run = {
      wakeAt,
      steps: [started("agent:intake-fetch#0"), read("agent:intake-fetch#0"), started("agent:intake-normalize#0"), started("agent:intake-normalize#1"), started("agent:intake-embed#0")],
      children: [
        { agentName: "intake-fetch", status: "COMPLETED" },
        { agentName: "intake-normalize", status: "QUEUED" },
        { agentName: "intake-normalize", status: "COMPLETED" },
        { agentName: "intake-embed", status: "WAITING" },
      ],
    };
    expect(describeWait(run)).toBe(`for 2 child runs of "intake-normalize" (1 QUEUED, 1 COMPLETED) and 1 child run of "intake-embed" (1 WAITING) until ${wakeAt}; it reads ended children when it resumes`);
  });

  it("names the status of every ended child it has not read when its steps name the children they read", () => {
    const run = {
      wakeAt,
      steps: [started("agent:intake-normalize#0"), started("agent:intake-normalize#1"), readOf("agent:intake-normalize#1", "n2"), started("agent:intake-normalize#2")],
      children: [
        { id: "n1", agentName: "intake-normalize", status: "COMPLETED" },
        { id: "n2", agentName: "intake-normalize", status: "FAILED" },
        { id: "n3", agentName: "intake-normalize", status: "COMPLETED" },
      ],
    };
    expect(describeWait(run)).toBe(`for 2 child runs of "intake-normalize" (2 COMPLETED) until ${wakeAt}; it reads ended children when it resumes`);
    expect(describeWait({ ...run, steps: [...run.steps, readOf("agent:intake-normalize#0", "n1"), readOf("agent:intake-normalize#2", "n3")] })).toBe(`until ${wakeAt}`);
  });

  it("falls back to the wake-up time once it has read the end of every child", () => {
    const steps = [started("agent:intake-fetch#0"), read("agent:intake-fetch#0")];
    expect(describeWait({ wakeAt, steps, children: [{ agentName: "intake-fetch", status: "FAILED" }] })).toBe(`until ${wakeAt}`);
    expect(describeWait({ steps: [] })).toBe("with no wake-up time");
  });

  it("names the statuses of ended children only when the ends it read leave no doubt which they were", () => {
    const children = [
      { agentName: "intake-normalize", status: "COMPLETED" },
      { agentName: "intake-normalize", status: "FAILED" },
      { agentName: "intake-normalize", status: "COMPLETED" },
    ];
    const steps = [started("agent:intake-normalize#0"), read("agent:intake-normalize#0"), started("agent:intake-normalize#1"), started("agent:intake-normalize#2")];
    expect(describeWait({ wakeAt, steps, children })).toBe(`for 2 child runs of "intake-normalize" (2 ended) until ${wakeAt}; it reads ended children when it resumes`);
    const same = children.map((child) => ({ ...child, status: "COMPLETED" }));
    expect(describeWait({ wakeAt, steps, children: same })).toBe(`for 2 child runs of "intake-normalize" (2 COMPLETED) until ${wakeAt}; it reads ended children when it resumes`);
  });

  it("counts the ended children left by ends read under a key of the handler's own without naming their agent", () => {
    const children = [
      { agentName: "crm-lookup", status: "COMPLETED" },
      { agentName: "enrich", status: "COMPLETED" },
      { agentName: "enrich", status: "RUNNING" },
    ];
    const steps = [started("lookup"), read("lookup"), started("agent:enrich#0"), started("agent:enrich#1")];
    expect(describeWait({ wakeAt, steps, children })).toBe(`for 1 child run of "enrich" (1 RUNNING) and 1 ended child run until ${wakeAt}; it reads ended children when it resumes`);
  });

  it("says that children the run view leaves out may be awaited too", () => {
    const steps = [started("agent:enrich#0"), read("agent:enrich#0"), started("agent:enrich#1"), started("agent:enrich#2")];
    const children = [
      { agentName: "enrich", status: "COMPLETED" },
      { agentName: "enrich", status: "RUNNING" },
    ];
    expect(describeWait({ wakeAt, steps, children, childrenTruncated: true })).toBe(`for 1 child run of "enrich" (1 RUNNING) and maybe more children not shown until ${wakeAt}`);
    expect(describeWait({ wakeAt, steps, children: children.slice(0, 1), childrenTruncated: true })).toBe(`maybe for children not shown until ${wakeAt}`);
  });

  it("names the children a run waits for beside a signal", () => {
    const steps = [{ kind: "SIGNAL", key: "approval", status: "STARTED", wakeAt }, started("agent:enrich#0")];
    const children = [{ agentName: "enrich", status: "RUNNING" }];
    expect(describeWait({ wakeAt, steps, children })).toBe(`for signal "approval" until ${wakeAt} and for 1 child run of "enrich" (1 RUNNING)`);
  });
});
