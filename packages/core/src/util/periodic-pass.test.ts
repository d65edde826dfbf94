import { describe, expect, it } from "vitest";
import { createManualClock } from "../testing/manual-clock.js";
import { createPeriodicPass } from "./periodic-pass.js";

describe("createPeriodicPass", () => {
  it("refuses an interval that is not a positive number, which would run passes back to back", () => {
    for (const intervalMs of [0, -1_000, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createPeriodicPass({ clock: createManualClock(), intervalMs, runAtStart: false, pass: async () => undefined, onError: () => undefined })).toThrow(/^intervalMs must be a positive number/);
    }
  });

  it("schedules the next pass only when a slow one has ended, so passes never overlap", async () => {
    const clock = createManualClock();
    let running = 0;
    let most = 0;
    let passes = 0;
    const periodic = createPeriodicPass({
      clock,
      intervalMs: 1_000,
      runAtStart: false,
      pass: async () => {
        passes += 1;
        running += 1;
        most = Math.max(most, running);
        await clock.sleep(2_500);
        running -= 1;
      },
      onError: () => undefined,
    });
    periodic.start();
    expect(passes).toBe(0);
    for (let second = 0; second < 10; second += 1) await clock.advance(1_000);
    // Passes start at 1 s, 4.5 s and 8 s: each 2.5 s long, then 1 s apart.
    expect(passes).toBe(3);
    expect(most).toBe(1);
    const stopping = periodic.stop();
    await clock.advance(2_500);
    await stopping;
    await clock.advance(10_000);
    expect(passes).toBe(3);
  });
});
