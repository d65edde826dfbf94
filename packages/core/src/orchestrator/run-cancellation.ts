/**
 * Cancellation of one run. The `AbortSignal` handed to the handler is made on first use: most of a run's cost
 * at high rates was `AbortController` and its event listeners, which a handler that never waits does not need.
 */
export class RunCancellation {
  aborted = false;
  reason: unknown = undefined;
  private controller: AbortController | undefined;
  // Made on first use too: a run's attempts race the abort one at a time, and most runs never abort.
  private listeners: Array<(reason: unknown) => void> | undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener(reason);
  }

  /** Calls `listener` on abort, until {@link offAbort} removes it. */
  onAbort(listener: (reason: unknown) => void): void {
    (this.listeners ??= []).push(listener);
  }

  offAbort(listener: (reason: unknown) => void): void {
    const listeners = this.listeners;
    if (listeners === undefined) return;
    const index = listeners.indexOf(listener);
    if (index < 0) return;
    // The listener is almost always the only one: `pop` removes it without the array `splice` returns.
    if (index === listeners.length - 1) listeners.pop();
    else listeners.splice(index, 1);
  }
}
