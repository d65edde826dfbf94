import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { keepEventLoopPolling } from "./event-loop-polling.js";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("keepEventLoopPolling", () => {
  it("keeps an immediate queued on every turn until stopped, then leaves none", async () => {
    const stop = keepEventLoopPolling();
    try {
      await nextTurn();
      // A process whose only work is the poller stays alive: the poller keeps the loop referenced.
      expect(process.getActiveResourcesInfo()).toContain("Immediate");
      await nextTurn();
      expect(process.getActiveResourcesInfo()).toContain("Immediate");
    } finally {
      stop();
    }
    // The turn already queued runs once more and queues nothing.
    await nextTurn();
    await nextTurn();
    expect(process.getActiveResourcesInfo()).not.toContain("Immediate");
  });

  it("lets I/O callbacks run while it polls", async () => {
    const stop = keepEventLoopPolling();
    try {
      // A loop that spun synchronously would never get here, and the test would time out.
      expect(await readFile(new URL(import.meta.url), "utf8")).toContain("keepEventLoopPolling");
    } finally {
      stop();
    }
  });
});
