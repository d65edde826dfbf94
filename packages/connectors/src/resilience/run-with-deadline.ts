import { CancelledError, type Clock, TimeoutError, isNeonhubError } from "@neonhub/core";

// Stopping the deadline timer with a fixed reason spares creating a DOMException on every call.
const FINISHED = Symbol("finished");

/** Options of {@link runWithDeadline}. */
export interface DeadlineOptions {
  clock: Clock;
  timeoutMs: number;
  /** What is being waited for, for the timeout message. */
  description: string;
  /** The caller's signal (the run's); its abort cancels the call. */
  signal?: AbortSignal;
}

/**
 * Runs `fn` with a signal that aborts when the deadline passes (timed by the injected clock) or the caller's
 * signal aborts, and stops waiting at that moment even if `fn` ignores its signal. A deadline gives a retryable
 * `TimeoutError`; the caller's abort gives its own NeonHub reason or a `CancelledError`.
 */
export async function runWithDeadline<T>(fn: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<T> {
  const { signal: parent } = options;
  const reasonOf = (source: AbortSignal) => (isNeonhubError(source.reason) ? source.reason : new CancelledError(`${options.description} was cancelled.`));
  if (parent?.aborted) throw reasonOf(parent);
  const controller = new AbortController();
  const timer = new AbortController();
  let stop: (reason: unknown) => void = () => undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = reject;
  });
  const abort = (reason: unknown) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    stop(reason);
  };
  const onParentAbort = () => abort(reasonOf(parent as AbortSignal));
  parent?.addEventListener("abort", onParentAbort, { once: true });
  options.clock.sleep(options.timeoutMs, timer.signal).then(
    () => abort(new TimeoutError(`${options.description} took longer than ${options.timeoutMs} ms.`, { isRetryable: true })),
    () => undefined,
  );
  try {
    return await Promise.race([fn(controller.signal), stopped]);
  } finally {
    timer.abort(FINISHED);
    parent?.removeEventListener("abort", onParentAbort);
    stopped.catch(() => undefined);
  }
}
