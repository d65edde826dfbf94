import type { RunCancellation } from "./run-cancellation.js";

/** A run being executed in this process, so that it can be cancelled and awaited. */
export interface ActiveRun {
  readonly runId: string;
  readonly organizationId: string;
  /** The run's fence this execution holds: its lease is renewed under it. */
  readonly fence: number;
  readonly controller: RunCancellation;
  /** Settles (never rejects) once the run has ended and left the list. */
  readonly done: Promise<unknown>;
}

interface Entry extends ActiveRun {
  done: Promise<unknown>;
  /** Index in the list; -1 once removed. */
  slot: number;
}

/**
 * The runs executing in this process, for cancellation, replays and drain; bounded by the runs executing at once.
 *
 * A list rather than a Map: under load it empties and refills every few runs, and V8 gives a Map a new table
 * each time it drops below a quarter full and each time it fills again. Once the Map is long-lived those tables
 * are allocated in the old generation, so a busy orchestrator kept making old-generation garbage (about a tenth
 * of a run's time in a loop, and a fifth of its page faults). A run leaves by swapping the last entry into its place. Lookups by id scan
 * the list; they serve cancellations and replays, not every run.
 */
export class ActiveRuns {
  private readonly entries: Entry[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Adds a run that is executing; it leaves the list when `execution` settles. */
  add(runId: string, organizationId: string, fence: number, controller: RunCancellation, execution: Promise<unknown>): void {
    const entry: Entry = { runId, organizationId, fence, controller, done: execution, slot: this.entries.length };
    const remove = (): void => this.remove(entry);
    entry.done = execution.then(remove, remove);
    this.entries.push(entry);
  }

  /** The run's newest execution here (highest fence): an older one is stopping, having lost the run to it. */
  get(runId: string): ActiveRun | undefined {
    let newest: Entry | undefined;
    for (const entry of this.entries) {
      if (entry.runId === runId && (newest === undefined || entry.fence > newest.fence)) newest = entry;
    }
    return newest;
  }

  /** A copy of the list, safe to iterate while runs end. */
  values(): ActiveRun[] {
    return [...this.entries];
  }

  private remove(entry: Entry): void {
    if (entry.slot < 0) return;
    const last = this.entries.pop() as Entry;
    if (last !== entry) {
      this.entries[entry.slot] = last;
      last.slot = entry.slot;
    }
    entry.slot = -1;
  }
}
