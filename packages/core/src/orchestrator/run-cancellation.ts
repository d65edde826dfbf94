/**
 * Cancellation of one run. The `AbortSignal` handed to the handler is made on first use: most of a run's cost
 * at high rates was `AbortController` and its event listeners, which a handler that never waits does not need.
 */
export class RunCancellation {
  aborted = false;
  reason: unknown = undefined;
  private controller: AbortController | undefined;
  private listeners: Array<(reason: unknown) => void> = [];

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
    for (const listener of this.listeners.splice(0)) listener(reason);
  }

  /** Calls `listener` on abort; the returned function removes it. */
  onAbort(listener: (reason: unknown) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }
}
