import { describe, expect, it } from "vitest";
import { describeAwaitedChildren } from "./describe-awaited-children.js";

const started = (key: string) => ({ kind: "STEP", key, status: "SUCCEEDED" });
const read = (key: string) => ({ kind: "CHILD", key: `${key}/result`, status: "SUCCEEDED" });

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
});
