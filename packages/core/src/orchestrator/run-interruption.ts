/** Why an execution of a run stopped without ending the run. */
export type InterruptionKind = "suspended" | "lease_lost" | "journal_unavailable";

/**
 * Ends one execution of a run without finishing the run: it waits durably (`suspended`), another executor took it
 * over (`lease_lost`), or its journal could not be written (`journal_unavailable`, so it is left to be resumed).
 * Delivered as the abort reason of the run's cancellation; not an error of the run, so neither retries nor the
 * breaker count it.
 */
export class RunInterruption extends Error {
  constructor(
    readonly kind: InterruptionKind,
    options: { cause?: unknown; wakeAt?: number; signalNames?: readonly string[] } = {},
  ) {
    super(`The run's execution stopped: ${kind}.`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RunInterruption";
    this.wakeAt = options.wakeAt ?? 0;
    this.signalNames = options.signalNames ?? [];
  }

  /** For `suspended`: when the run is due again. */
  readonly wakeAt: number;
  /** For `suspended`: the names of the signals the run waits for (several when waits run side by side). */
  readonly signalNames: readonly string[];

  static isInstance(value: unknown): value is RunInterruption {
    return value instanceof RunInterruption;
  }
}
