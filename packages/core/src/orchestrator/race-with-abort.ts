import type { RunCancellation } from "./run-cancellation.js";

/**
 * Settles with `map` of what `promise` resolves to (or its rejection), or rejects with the abort reason as soon as
 * the run is aborted (a handler may ignore it). `map` runs inside the race, so that mapping costs no promise of its own.
 */
export function raceWithAbort<T, R = T>(promise: Promise<T>, cancellation: RunCancellation, map?: (value: T) => R): Promise<R> {
  if (cancellation.aborted) {
    // Aborted while the handler was starting: its own rejection, if any, is not what the caller sees.
    promise.catch(() => undefined);
    return Promise.reject(cancellation.reason);
  }
  return new Promise<R>((resolve, reject) => {
    cancellation.onAbort(reject);
    promise.then(
      (value) => {
        cancellation.offAbort(reject);
        if (map === undefined) return resolve(value as unknown as R);
        try {
          resolve(map(value));
        } catch (error) {
          reject(error);
        }
      },
      (error: unknown) => {
        cancellation.offAbort(reject);
        reject(error);
      },
    );
  });
}
