import pRetry from "p-retry";
import { isTransientError } from "../errors/is-transient-error.js";
import { NeonhubError } from "../errors/neonhub-error.js";
import type { Clock } from "../ports/clock.js";
import { systemClock } from "../telemetry/system-clock.js";

/** Options of {@link retryWithBackoff}. */
export interface RetryOptions {
  /** Total attempts, including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: boolean;
  /** Stops retrying (and waiting) when aborted. */
  signal?: AbortSignal;
  /** Which errors are worth another attempt; defaults to {@link isTransientError}. */
  shouldRetry?: (error: unknown) => boolean;
  /** Called before each wait for another attempt. */
  onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void;
  clock?: Clock;
}

const retryAfterOf = (error: unknown): number | undefined => (NeonhubError.isInstance(error) ? error.retryAfterMs : undefined);

/**
 * Calls `operation(attempt)` until it succeeds, a non-transient error occurs, or attempts run out. Waits with
 * exponential backoff and jitter (p-retry), and at least as long as an error's `retryAfterMs` asks.
 * The first attempt runs outside p-retry so that a call that succeeds at once pays nothing for retries.
 */
export async function retryWithBackoff<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  try {
    return await operation(1);
  } catch (firstError) {
    return retryAfterFirstFailure(operation, firstError, options);
  }
}

/**
 * Continues {@link retryWithBackoff} after a first attempt made by the caller failed with `firstError`; rethrows
 * it when it is not worth retrying. Lets hot paths make the first attempt without building retry options.
 */
export async function retryAfterFirstFailure<T>(operation: (attempt: number) => Promise<T>, firstError: unknown, options: RetryOptions): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isTransientError;
  {
    if (options.attempts <= 1 || options.signal?.aborted || !shouldRetry(firstError)) throw firstError;
    const clock = options.clock ?? systemClock;
    let replayedFirstFailure = false;
    return pRetry(
      (attempt) => {
        if (!replayedFirstFailure) {
          replayedFirstFailure = true;
          throw firstError;
        }
        return operation(attempt);
      },
      {
        retries: options.attempts - 1,
        factor: 2,
        minTimeout: options.baseDelayMs,
        maxTimeout: options.maxDelayMs,
        randomize: options.jitter,
        ...(options.signal ? { signal: options.signal } : {}),
        shouldRetry: ({ error }) => !options.signal?.aborted && shouldRetry(error),
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft === 0 || options.signal?.aborted || !shouldRetry(error)) return;
          const retryAfterMs = retryAfterOf(error);
          const backoffMs = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attemptNumber - 1));
          options.onRetry?.({ attempt: attemptNumber + 1, delayMs: Math.max(backoffMs, retryAfterMs ?? 0), error });
          // p-retry adds its own backoff after this; waiting the difference makes the total at least retry-after.
          if (retryAfterMs !== undefined && retryAfterMs > backoffMs) await clock.sleep(retryAfterMs - backoffMs, options.signal);
        },
      },
    );
  }
}
