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
 * The wait before attempt `attempt + 1`: exponential from `baseDelayMs`, capped at `maxDelayMs`, and with jitter
 * between one and two times that (p-retry's `randomize`), then at least the error's retry-after.
 */
export function retryDelayMs(attempt: number, error: unknown, options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs" | "jitter">, random: () => number = Math.random): number {
  const spread = options.jitter ? random() + 1 : 1;
  const backoffMs = Math.min(options.maxDelayMs, Math.round(spread * options.baseDelayMs * 2 ** (attempt - 1)));
  return Math.max(backoffMs, retryAfterOf(error) ?? 0);
}

/**
 * Calls `operation(attempt)` until it succeeds, a non-transient error occurs, or attempts run out. Waits with
 * exponential backoff and jitter, and at least as long as an error's `retryAfterMs` asks, on the injected clock.
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
      // p-retry counts attempts and decides whether to go on; the wait is the clock's, so that it can be driven.
      minTimeout: 0,
      maxTimeout: 0,
      ...(options.signal ? { signal: options.signal } : {}),
      shouldRetry: ({ error }) => !options.signal?.aborted && shouldRetry(error),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft === 0 || options.signal?.aborted || !shouldRetry(error)) return;
        const delayMs = retryDelayMs(attemptNumber, error, options);
        options.onRetry?.({ attempt: attemptNumber + 1, delayMs, error });
        await clock.sleep(delayMs, options.signal);
      },
    },
  );
}
