import { describe, expect, it } from "vitest";
import { describeAwaitedChildren } from "./describe-awaited-children.js";

const started = (key: string) => ({ kind: "STEP", key, status: "SUCCEEDED" });
const read = (key: string) => ({ kind: "CHILD", key: `${key}/result`, status: "SUCCEEDED" });
const readOf = (key: string, childRunId: string) => ({ ...read(key), childRunId });

describe("describeAwaitedChildren", () => {
  it("says that children the run view leaves out may be awaited too", () => {
    const children = [{ agentName: "enrich", status: "RUNNING" }];
    const steps = [started("agent:enrich#0")];
    expect(describeAwaitedChildren(children, steps, false)).toEqual({ text: `for 1 child run of "enrich" (1 RUNNING)`, ended: false });
    expect(describeAwaitedChildren(children, steps, true)).toEqual({ text: `for 1 child run of "enrich" (1 RUNNING) and maybe more children not shown`, ended: false });
  });

  it("does not say a run waits for no child when the ends it read may be of children the view leaves out", () => {
    // The view shows the newest children: the end read here may be of an older one, left out.
    const children = [{ agentName: "enrich", status: "COMPLETED" }];
    const steps = [started("agent:enrich#0"), read("agent:enrich#0"), started("agent:enrich#1")];
    expect(describeAwaitedChildren(children, steps, false)).toBeNull();
    expect(describeAwaitedChildren(children, steps, true)).toEqual({ text: "maybe for children not shown", ended: false });
  });

  it("leaves out exactly the children whose end a step names, with the statuses of those left", () => {
    const children = [
      { id: "c1", agentName: "enrich", status: "COMPLETED" },
      { id: "c2", agentName: "enrich", status: "FAILED" },
      { id: "c3", agentName: "enrich", status: "RUNNING" },
    ];
    const steps = [started("agent:enrich#0"), started("agent:enrich#1"), readOf("agent:enrich#1", "c2"), started("agent:enrich#2")];
    expect(describeAwaitedChildren(children, steps)).toEqual({ text: `for 2 child runs of "enrich" (1 RUNNING, 1 COMPLETED)`, ended: true });
  });

  it("names the agent of the children left when ends were read under keys of the handler's own", () => {
    const children = [
      { id: "c1", agentName: "crm-lookup", status: "COMPLETED" },
      { id: "c2", agentName: "enrich", status: "COMPLETED" },
      { id: "c3", agentName: "enrich", status: "RUNNING" },
    ];
    const steps = [started("lookup"), readOf("lookup", "c1"), started("agent:enrich#0"), started("agent:enrich#1")];
    expect(describeAwaitedChildren(children, steps)).toEqual({ text: `for 2 child runs of "enrich" (1 RUNNING, 1 COMPLETED)`, ended: true });
  });

  it("does not let the end read of a child the view leaves out hide a shown one", () => {
    const children = [{ id: "c2", agentName: "enrich", status: "COMPLETED" }];
    const steps = [started("agent:enrich#0"), readOf("agent:enrich#0", "c1"), started("agent:enrich#1")];
    expect(describeAwaitedChildren(children, steps, true)).toEqual({ text: `for 1 child run of "enrich" (1 COMPLETED) and maybe more children not shown`, ended: true });
  });

  it("tells ends apart by agent where steps name no child, as older hosts show them", () => {
    const children = [
      { id: "c1", agentName: "enrich", status: "COMPLETED" },
      { id: "c2", agentName: "enrich", status: "FAILED" },
      { id: "c3", agentName: "enrich", status: "RUNNING" },
    ];
    const steps = [started("agent:enrich#0"), started("agent:enrich#1"), read("agent:enrich#1"), started("agent:enrich#2")];
    expect(describeAwaitedChildren(children, steps)).toEqual({ text: `for 2 child runs of "enrich" (1 RUNNING, 1 ended)`, ended: true });
  });
});
