import { describe, expect, it, vi } from "vitest";
import { RunEndWatchers } from "./run-end-watchers.js";

describe("RunEndWatchers", () => {
  it("wakes every waiter of a run once, and forgets the run", () => {
    const watchers = new RunEndWatchers(10);
    const [first, second] = [vi.fn(), vi.fn()];
    watchers.watch("run-1", first);
    watchers.watch("run-1", second);
    watchers.notify("run-1");
    watchers.notify("run-1");
    expect([first.mock.calls.length, second.mock.calls.length]).toEqual([1, 1]);
    expect(watchers.has("run-1")).toBe(false);
  });

  it("holds at most its bound of runs, and takes more waiters of a run it holds", () => {
    const watchers = new RunEndWatchers(2);
    expect(watchers.watch("run-1", () => undefined)).not.toBeNull();
    expect(watchers.watch("run-2", () => undefined)).not.toBeNull();
    expect(watchers.watch("run-3", () => undefined)).toBeNull();
    expect(watchers.watch("run-1", () => undefined)).not.toBeNull();
  });

  it("forgets a run once its last waiter stops watching, which frees its place", () => {
    const watchers = new RunEndWatchers(1);
    const wake = vi.fn();
    const stop = watchers.watch("run-1", wake);
    stop?.();
    expect(watchers.has("run-1")).toBe(false);
    expect(watchers.watch("run-2", () => undefined)).not.toBeNull();
    watchers.notify("run-1");
    expect(wake).not.toHaveBeenCalled();
  });
});
