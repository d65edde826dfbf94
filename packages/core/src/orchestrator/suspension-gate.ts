import type { RunCancellation } from "./run-cancellation.js";
import { RunInterruption } from "./run-interruption.js";

/** A promise that never settles: what a step asked for after the run began to suspend waits on, until collected. */
export const NEVER: Promise<never> = new Promise<never>(() => undefined);

// Taken when the module loads: the stop below waits for queued microtasks, not for time, so a test that fakes timers
// must not hold it back.
const afterQueuedMicrotasks: (callback: () => void) => void = globalThis.setImmediate.bind(globalThis);

/**
 * Suspends a run's execution once none of its steps is in flight: a durable wait asks for it, steps already
 * running finish and are journaled, steps asked for afterwards never start, and then the execution stops with a
 * `suspended` interruption. The earliest wake time asked for wins, and a signal for any of the waits wakes the run.
 */
export class SuspensionGate {
  readonly #cancellation: RunCancellation;
  #inFlight = 0;
  #wakeAt = Number.POSITIVE_INFINITY;
  // Made by the first wait for a signal: most runs never wait.
  #signalNames: string[] | undefined;
  #requested = false;
  #onSettled: Array<() => void> | undefined;
  #stopping = false;

  constructor(cancellation: RunCancellation) {
    this.#cancellation = cancellation;
  }

  /** True once a wait asked to suspend: new steps must not start. */
  get suspending(): boolean {
    return this.#requested;
  }

  enter(): void {
    this.#inFlight += 1;
  }

  leave(): void {
    this.#inFlight -= 1;
    this.#stopIfIdle();
    if (this.#inFlight > 0 || this.#onSettled === undefined) return;
    const waiting = this.#onSettled;
    this.#onSettled = undefined;
    for (const resolve of waiting) resolve();
  }

  /**
   * Resolves once no step is in flight. The next attempt of a run waits for it, so that it never finds a step of
   * the failed attempt half done (its `STARTED` write still being made, or its call still running).
   */
  settled(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => (this.#onSettled ??= []).push(resolve));
  }

  /** Asks to suspend until `wakeAt` (or until the signal `signalName` arrives). */
  suspend(wakeAt: number, signalName: string | null): void {
    this.#requested = true;
    if (wakeAt < this.#wakeAt) this.#wakeAt = wakeAt;
    if (signalName !== null && !this.#signalNames?.includes(signalName)) (this.#signalNames ??= []).push(signalName);
    this.#stopIfIdle();
  }

  #stopIfIdle(): void {
    if (!this.#requested || this.#inFlight > 0 || this.#stopping) return;
    // The stop waits for the microtasks already queued to run: a step or child that ended with an error just as the
    // last wait asked to suspend (a failed child beside one still open, under Promise.all) must reach the handler,
    // whose failure then ends the run, instead of being dropped by the suspension on every resume.
    this.#stopping = true;
    afterQueuedMicrotasks(() => {
      this.#stopping = false;
      if (!this.#requested || this.#inFlight > 0) return;
      this.#cancellation.abort(new RunInterruption("suspended", { wakeAt: this.#wakeAt, signalNames: this.#signalNames ?? [] }));
    });
  }
}
