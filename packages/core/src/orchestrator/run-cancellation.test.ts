import { describe, expect, it, vi } from "vitest";
import { RunCancellation } from "./run-cancellation.js";

describe("RunCancellation", () => {
  it("calls only the listeners still registered when it aborts, whichever position they were removed from", () => {
    const cancellation = new RunCancellation();
    const [first, middle, last, kept] = [vi.fn(), vi.fn(), vi.fn(), vi.fn()];
    for (const listener of [first, middle, kept, last]) cancellation.onAbort(listener);
    cancellation.offAbort(last);
    cancellation.offAbort(middle);
    cancellation.offAbort(first);
    cancellation.offAbort(vi.fn());

    cancellation.abort("stop");
    cancellation.abort("again");
    expect(kept).toHaveBeenCalledExactlyOnceWith("stop");
    for (const removed of [first, middle, last]) expect(removed).not.toHaveBeenCalled();
  });

  it("hands out a signal made on first use that carries the abort reason, before or after the abort", () => {
    const before = new RunCancellation();
    const signal = before.signal;
    expect(signal.aborted).toBe(false);
    before.abort("stop");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("stop");

    const after = new RunCancellation();
    after.abort("late");
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe("late");
  });
});
