import type { RunCancellation } from "./run-cancellation.js";

/** Settles with `promise`, or rejects with the abort reason as soon as the run is aborted (a handler may ignore it). */
export function raceWithAbort<T>(promise: Promise<T>, cancellation: RunCancellation): Promise<T> {
  if (cancellation.aborted) return Promise.reject(cancellation.reason);
  return new Promise<T>((resolve, reject) => {
    cancellation.onAbort(reject);
    promise.then(
      (value) => {
        cancellation.offAbort(reject);
        resolve(value);
      },
      (error: unknown) => {
        cancellation.offAbort(reject);
        reject(error);
      },
    );
  });
}
