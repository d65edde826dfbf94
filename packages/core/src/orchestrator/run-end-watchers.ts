/** Runs watched at most by default: beyond it a waiter reads the store on its own schedule only. */
export const DEFAULT_MAX_WATCHED_RUNS = 10_000;

/**
 * Wakes the callers of `waitForRun` when a run they wait for ends in this process (or stops executing here), so
 * that they read its end at once instead of at their next look at the store. Runs ending in other processes are
 * seen by those looks, or at once when the host hears of their end (`wakeRunWaiters`). Bounded by `maxRuns` runs; a waiter that finds it full is not registered.
 */
export class RunEndWatchers {
  readonly #waiting = new Map<string, Set<() => void>>();
  readonly #maxRuns: number;

  constructor(maxRuns = DEFAULT_MAX_WATCHED_RUNS) {
    this.#maxRuns = maxRuns;
  }

  /** Whether anyone waits for the run; read as each run starts executing, so it costs nothing when nobody waits. */
  has(runId: string): boolean {
    return this.#waiting.size > 0 && this.#waiting.has(runId);
  }

  /** Calls `wake` once at the run's next {@link notify}; returns what stops watching, or null when the watchers are full. */
  watch(runId: string, wake: () => void): (() => void) | null {
    let wakes = this.#waiting.get(runId);
    if (wakes === undefined) {
      if (this.#waiting.size >= this.#maxRuns) return null;
      wakes = new Set();
      this.#waiting.set(runId, wakes);
    }
    wakes.add(wake);
    const watched = wakes;
    return () => {
      watched.delete(wake);
      if (watched.size === 0 && this.#waiting.get(runId) === watched) this.#waiting.delete(runId);
    };
  }

  /** Wakes every waiter of every run: news of some runs' ends may have been lost. */
  notifyAll(): void {
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const wakes of waiting) for (const wake of wakes) wake();
  }

  /** Wakes every waiter of the run; they read the store to see what became of it. */
  notify(runId: string): void {
    const wakes = this.#waiting.get(runId);
    if (wakes === undefined) return;
    this.#waiting.delete(runId);
    for (const wake of wakes) wake();
  }
}
