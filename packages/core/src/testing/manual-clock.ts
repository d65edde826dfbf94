import type { Clock } from "../ports/clock.js";

/** A clock that moves only when the test says so. */
export interface ManualClock extends Clock {
  /** Moves time forward, firing due timers and sleeps in order. */
  advance(ms: number): Promise<void>;
  /** Sets the time (forward only). */
  set(ms: number): Promise<void>;
}

interface Timer {
  at: number;
  order: number;
  callback: () => void;
}

/**
 * Creates a manual clock for tests of time-based logic that does not use global timers.
 * @example
 * const clock = createManualClock();
 * const slept = clock.sleep(1_000);
 * await clock.advance(1_000); // slept resolves
 */
export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let now = startMs;
  let order = 0;
  let timers: Timer[] = [];

  const schedule = (ms: number, callback: () => void): (() => void) => {
    const timer: Timer = { at: now + Math.max(0, ms), order: order++, callback };
    timers.push(timer);
    return () => {
      timers = timers.filter((candidate) => candidate !== timer);
    };
  };

  const advanceTo = async (target: number): Promise<void> => {
    for (;;) {
      const due = timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      timers = timers.filter((timer) => timer !== due);
      now = Math.max(now, due.at);
      due.callback();
      // Let promise callbacks that the timer resolved run before the next one fires.
      for (let tick = 0; tick < 10; tick += 1) await Promise.resolve();
    }
    now = Math.max(now, target);
  };

  return {
    now: () => now,
    schedule,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const cancel = schedule(ms, () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        });
        const onAbort = () => {
          cancel();
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    advance: (ms) => advanceTo(now + ms),
    set: (ms) => advanceTo(ms),
  };
}
