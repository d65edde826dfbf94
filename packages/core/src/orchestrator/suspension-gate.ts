import type { RunCancellation } from "./run-cancellation.js";
import { RunInterruption } from "./run-interruption.js";

/** A promise that never settles: what a step asked for after the run began to suspend waits on, until collected. */
export const NEVER: Promise<never> = new Promise<never>(() => undefined);

/**
 * Suspends a run's execution once none of its steps is in flight: a durable wait asks for it, steps already
 * running finish and are journaled, steps asked for afterwards never start, and then the execution stops with a
 * `suspended` interruption. The earliest wake time asked for wins.
 */
export class SuspensionGate {
  readonly #cancellation: RunCancellation;
  #inFlight = 0;
  #wakeAt = Number.POSITIVE_INFINITY;
  #signalName: string | null = null;
  #requested = false;

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
  }

  /** Asks to suspend until `wakeAt` (or until the signal `signalName` arrives). */
  suspend(wakeAt: number, signalName: string | null): void {
    this.#requested = true;
    if (wakeAt < this.#wakeAt) this.#wakeAt = wakeAt;
    this.#signalName ??= signalName;
    this.#stopIfIdle();
  }

  #stopIfIdle(): void {
    if (!this.#requested || this.#inFlight > 0) return;
    this.#cancellation.abort(new RunInterruption("suspended", { wakeAt: this.#wakeAt, signalName: this.#signalName }));
  }
}
